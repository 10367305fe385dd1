import { describe, expect, it } from "vitest";
import { hashCode, safeEqualHex } from "../../lib/secrets.js";
import { decideAttempt, formatCode, RESET_CODE, retryAfterSeconds, SIGNUP_CODE } from "./codes.domain.js";

describe("code rules", () => {
  it("formats six digits with leading zeros and refuses out-of-range values", () => {
    expect(formatCode(0)).toBe("000000");
    expect(formatCode(42)).toBe("000042");
    expect(formatCode(999_999)).toBe("999999");
    for (const n of [-1, 1_000_000, 1.5, Number.NaN]) expect(() => formatCode(n)).toThrow(RangeError);
  });

  it("policies: sign-up 5 min / 60 s / 5 tries; reset 15 min / 5 tries", () => {
    expect(SIGNUP_CODE).toEqual({ ttlSeconds: 300, resendAfterSeconds: 60, maxAttempts: 5 });
    expect(RESET_CODE.ttlSeconds).toBe(900);
    expect(RESET_CODE.maxAttempts).toBe(5);
  });

  it("allows 5 wrong tries, the 5th burns the code, later tries are refused even when right", () => {
    expect(decideAttempt(1, true, 5)).toEqual({ kind: "ok" });
    expect(decideAttempt(5, true, 5)).toEqual({ kind: "ok" });
    expect(decideAttempt(1, false, 5)).toEqual({ kind: "incorrect", attemptsLeft: 4 });
    expect(decideAttempt(4, false, 5)).toEqual({ kind: "incorrect", attemptsLeft: 1 });
    expect(decideAttempt(5, false, 5)).toEqual({ kind: "exceeded" });
    expect(decideAttempt(6, true, 5)).toEqual({ kind: "exceeded" });
  });

  it("rounds Retry-After up and never to 0", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(59_001)).toBe(60);
    expect(retryAfterSeconds(0)).toBe(1);
  });

  it("hashes a code bound to its key, purpose and email", () => {
    const k1 = Buffer.alloc(32, 1);
    const k2 = Buffer.alloc(32, 2);
    const a = hashCode(k1, "verify", "a@x.com", "123456");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(hashCode(k1, "verify", "a@x.com", "123456"));
    expect(a).not.toBe(hashCode(k2, "verify", "a@x.com", "123456"));
    expect(a).not.toBe(hashCode(k1, "reset", "a@x.com", "123456"));
    expect(a).not.toBe(hashCode(k1, "verify", "b@x.com", "123456"));
    expect(safeEqualHex(a, a)).toBe(true);
    expect(safeEqualHex(a, a.slice(2))).toBe(false);
    expect(safeEqualHex("", "")).toBe(false);
  });
});
