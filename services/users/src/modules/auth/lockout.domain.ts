/**
 * Login lockout with backoff, per account and per client IP. Pure rules: the store counts in Redis.
 *
 * `threshold` failures within `windowSeconds` lock the subject; the first lock lasts `baseLockSeconds`
 * and each further lock (within `levelTtlSeconds` of the previous one) doubles, up to `maxLockSeconds`.
 */
export type LockoutPolicy = {
  threshold: number;
  windowSeconds: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
  /** How long the doubling is remembered after the last lock. */
  levelTtlSeconds: number;
};

export const ACCOUNT_LOCKOUT: LockoutPolicy = {
  threshold: 5,
  windowSeconds: 15 * 60,
  baseLockSeconds: 60,
  maxLockSeconds: 15 * 60,
  levelTtlSeconds: 24 * 3600,
};

/** Many people can share one IP (offices, carrier NAT): a higher threshold, the same backoff. */
export const IP_LOCKOUT: LockoutPolicy = { ...ACCOUNT_LOCKOUT, threshold: 20 };

/** How long the `level`-th lock (1-based) lasts: base × 2^(level−1), capped. */
export function lockSeconds(level: number, policy: LockoutPolicy): number {
  if (!Number.isInteger(level) || level < 1) throw new RangeError("level starts at 1");
  return Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** Math.min(level - 1, 30));
}

/** True exactly once per run of failures: when the count reaches the threshold. */
export const shouldLock = (failuresInWindow: number, policy: LockoutPolicy) =>
  failuresInWindow === policy.threshold;
