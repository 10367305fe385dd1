import type { Redis } from "@arte/platform";
import {
  ACCOUNT_LOCKOUT,
  IP_LOCKOUT,
  type LockoutPolicy,
  lockSeconds,
  shouldLock,
} from "./lockout.domain.js";

type Subject = { kind: "acct" | "ip"; id: string };

/**
 * Failed-login counters in Redis: `login:fail:<kind>:<id>` (failures in the window),
 * `login:level:<kind>:<id>` (locks so far) and `login:lock:<kind>:<id>` (the lock, with its TTL).
 */
export function createLockout(
  redis: Redis,
  policies: { account: LockoutPolicy; ip: LockoutPolicy } = { account: ACCOUNT_LOCKOUT, ip: IP_LOCKOUT },
) {
  const k = (what: string, s: Subject) => `login:${what}:${s.kind}:${s.id}`;
  const policyOf = (s: Subject) => (s.kind === "acct" ? policies.account : policies.ip);
  const subjects = (email: string, ip: string): Subject[] => [
    { kind: "acct", id: email },
    { kind: "ip", id: ip },
  ];

  async function recordOne(s: Subject) {
    const policy = policyOf(s);
    const [[, n]] = (await redis
      .multi()
      .incr(k("fail", s))
      .expire(k("fail", s), policy.windowSeconds, "NX")
      .exec()) as [[null, number], unknown];
    if (!shouldLock(n, policy)) return;
    const [[, level]] = (await redis
      .multi()
      .incr(k("level", s))
      .expire(k("level", s), policy.levelTtlSeconds)
      .exec()) as [[null, number], unknown];
    await redis.multi().set(k("lock", s), "1", "EX", lockSeconds(level, policy)).del(k("fail", s)).exec();
  }

  return {
    /** Milliseconds until the longer of the account's and the IP's locks ends (0 = not locked). */
    async lockedFor(email: string, ip: string): Promise<number> {
      const ttls = await Promise.all(subjects(email, ip).map((s) => redis.pttl(k("lock", s))));
      return Math.max(0, ...ttls);
    },
    async recordFailure(email: string, ip: string) {
      for (const s of subjects(email, ip)) await recordOne(s);
    },
    /**
     * A successful login clears the account's counters. The IP's stay: one valid account must not
     * let its owner reset the counter while guessing others' passwords.
     */
    async recordSuccess(email: string) {
      const s: Subject = { kind: "acct", id: email };
      await redis.del(k("fail", s), k("level", s));
    },
    /** A password reset also lifts the account's lock. */
    async clearAccount(email: string) {
      const s: Subject = { kind: "acct", id: email };
      await redis.del(k("fail", s), k("level", s), k("lock", s));
    },
  };
}
export type Lockout = ReturnType<typeof createLockout>;
