import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Account PINs: node:crypto scrypt with a per-account random salt. The stored string carries its
 * parameters (`scrypt$N$r$p$salt$hash`, base64url), so the cost can rise later and old hashes still
 * verify. A 4–6 digit PIN is weak however it is hashed: the lockout after 5 wrong tries is the real
 * guard; the slow hash only keeps a stolen table from giving every PIN away at once.
 */
export type ScryptParams = { N: number; r: number; p: number };

export const DEFAULT_PIN_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LEN = 32;
const SALT_LEN = 16;
const MAX_N = 2 ** 20;

function derive(pin: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r * params.p + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPin(pin: string, params: ScryptParams = DEFAULT_PIN_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await derive(pin, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

function parse(stored: string) {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const isPow2 = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!isPow2 || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16)
    return null;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const key = Buffer.from(parts[5] ?? "", "base64url");
  if (salt.length < 8 || key.length !== KEY_LEN) return null;
  return { params: { N, r, p }, salt, key };
}

/** Constant-time check; a malformed or missing hash never matches (and never throws). */
export async function verifyPin(pin: string, stored: string | null): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  if (!parsed) return false;
  const key = await derive(pin, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}
