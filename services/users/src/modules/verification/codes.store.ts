import { randomInt } from "node:crypto";
import type { Redis } from "@arte/platform";
import { hashCode, safeEqualHex, sha256 } from "../../lib/secrets.js";
import { type AttemptOutcome, type CodePolicy, decideAttempt, formatCode } from "./codes.domain.js";

// Atomic steps as Lua scripts (ioredis applies the key prefix to KEYS).
// issue: refuse while the resend cooldown runs; otherwise start it and (when a hash is given) replace the code.
const ISSUE = `
local left = redis.call('PTTL', KEYS[2])
if left > 0 then return left end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
if ARGV[1] ~= '' then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'h', ARGV[1], 'a', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 0`;
// try: count the attempt first, then hand back the stored hash to compare.
const TRY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local a = redis.call('HINCRBY', KEYS[1], 'a', 1)
return {a, redis.call('HGET', KEYS[1], 'h')}`;
// consume: delete only the code that was checked (a newer one stays).
const CONSUME = `
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
// take: read, then delete, a single-use token; returns its value and remaining life.
const TAKE = `
local v = redis.call('GET', KEYS[1])
if not v then return nil end
local t = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
return {v, t}`;

export type IssueResult =
  | { ok: true; code: string | null; expiresAt: Date }
  | { ok: false; retryAfterMs: number };

/**
 * One-time codes in Redis, stored only as an HMAC bound to purpose and email:
 * `<ns>:code:<email>` (hash: h, a = attempts) and `<ns>:cooldown:<email>` (resend window).
 * Sessions and revocations live under other prefixes, so nothing here can collide with them.
 */
export function createCodeStore(redis: Redis, opts: { namespace: string; key: Buffer; policy: CodePolicy }) {
  const { namespace: ns, policy } = opts;
  const codeKey = (email: string) => `${ns}:code:${email}`;
  const cooldownKey = (email: string) => `${ns}:cooldown:${email}`;
  const hash = (email: string, code: string) => hashCode(opts.key, ns, email, code);
  return {
    policy,
    /**
     * Starts the resend window and, when `withCode`, stores a fresh code. With `withCode: false` only the
     * window starts, so an email that gets no code is throttled exactly like one that does.
     */
    async issue(email: string, withCode: boolean, now: Date): Promise<IssueResult> {
      const code = withCode ? formatCode(randomInt(0, 1_000_000)) : null;
      const left = (await redis.eval(
        ISSUE,
        2,
        codeKey(email),
        cooldownKey(email),
        code ? hash(email, code) : "",
        String(policy.resendAfterSeconds * 1000),
        String(policy.ttlSeconds * 1000),
      )) as number;
      if (left > 0) return { ok: false, retryAfterMs: left };
      return { ok: true, code, expiresAt: new Date(now.getTime() + policy.ttlSeconds * 1000) };
    },
    /** Checks a code; a correct one is consumed (exactly one concurrent caller gets `ok`). */
    async attempt(email: string, code: string): Promise<AttemptOutcome> {
      const r = (await redis.eval(TRY, 1, codeKey(email))) as [number, string] | null;
      if (!r) return { kind: "missing" };
      const [attemptNumber, stored] = r;
      const outcome = decideAttempt(
        attemptNumber,
        safeEqualHex(stored, hash(email, code)),
        policy.maxAttempts,
      );
      if (outcome.kind === "ok") {
        const deleted = (await redis.eval(CONSUME, 1, codeKey(email), stored)) as number;
        if (deleted !== 1) return { kind: "missing" };
      }
      return outcome;
    },
    /** Undoes `issue` when the request that issued it failed (nothing was sent). */
    async discard(email: string) {
      await redis.del(codeKey(email), cooldownKey(email));
    },
    /** For tests and tools: the raw Redis keys of an email. */
    keys: (email: string) => ({ code: codeKey(email), cooldown: cooldownKey(email) }),
  };
}
export type CodeStore = ReturnType<typeof createCodeStore>;

/**
 * Single-use proofs that an email was confirmed: `verify:token:<sha256(token)>` → email, 15 minutes.
 * The token itself is never stored.
 */
export function createVerificationTokens(redis: Redis, ttlSeconds: number) {
  const key = (token: string) => `verify:token:${sha256(token)}`;
  const usedKey = (token: string) => `verify:used:${sha256(token)}`;
  return {
    async issue(email: string, token: string) {
      await redis.set(key(token), email, "EX", ttlSeconds);
    },
    /** Takes the token (it is gone afterwards) and returns the email it proves, with its remaining life. */
    async take(token: string): Promise<{ email: string; pttl: number } | null> {
      const r = (await redis.eval(TAKE, 1, key(token))) as [string, number] | null;
      return r ? { email: r[0], pttl: r[1] } : null;
    },
    /** Puts a taken token back when the sign-up that took it failed for a reason other than the token. */
    async restore(token: string, email: string, pttl: number) {
      if (pttl > 0) await redis.set(key(token), email, "PX", pttl, "NX");
    },
    /**
     * Remembers which account a token created (for as long as the token would have lived, at least 10
     * minutes), so a sign-up retried after a lost answer gets that account back instead of a refusal.
     */
    async markUsed(token: string, userId: string, pttl: number) {
      await redis.set(usedKey(token), userId, "PX", Math.max(pttl, 600_000));
    },
    /** The account a token created, if it was used for a sign-up lately. */
    async usedBy(token: string): Promise<string | null> {
      return redis.get(usedKey(token));
    },
    key,
  };
}
export type VerificationTokens = ReturnType<typeof createVerificationTokens>;
