import { describe, expect, it } from "vitest";
import { ACCOUNT_LOCKOUT, IP_LOCKOUT, lockSeconds, shouldLock } from "./lockout.domain.js";

describe("lockout backoff", () => {
  it("locks for 1 min, then doubles up to 15 min", () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((l) => lockSeconds(l, ACCOUNT_LOCKOUT))).toEqual([
      60, 120, 240, 480, 900, 900, 900,
    ]);
    expect(() => lockSeconds(0, ACCOUNT_LOCKOUT)).toThrow(RangeError);
  });

  it("locks exactly when the failures in the window reach the threshold", () => {
    expect(shouldLock(4, ACCOUNT_LOCKOUT)).toBe(false);
    expect(shouldLock(5, ACCOUNT_LOCKOUT)).toBe(true);
    expect(shouldLock(6, ACCOUNT_LOCKOUT)).toBe(false);
    expect(ACCOUNT_LOCKOUT.windowSeconds).toBe(900);
  });

  it("gives a shared IP more room than one account", () => {
    expect(IP_LOCKOUT.threshold).toBeGreaterThan(ACCOUNT_LOCKOUT.threshold);
    expect(lockSeconds(1, IP_LOCKOUT)).toBe(60);
  });
});
