/**
 * One-time code rules (sign-up verification and password reset). Pure: no I/O, no clock, no randomness.
 */
export type CodePolicy = {
  /** How long a code is valid. */
  ttlSeconds: number;
  /** How long before another code may be requested for the same email. */
  resendAfterSeconds: number;
  /** Wrong tries allowed; the try that uses the last one burns the code. */
  maxAttempts: number;
};

export const SIGNUP_CODE: CodePolicy = { ttlSeconds: 5 * 60, resendAfterSeconds: 60, maxAttempts: 5 };
export const RESET_CODE: CodePolicy = { ttlSeconds: 15 * 60, resendAfterSeconds: 60, maxAttempts: 5 };
/** The proof of a confirmed email that sign-up consumes. */
export const VERIFICATION_TOKEN_TTL_SECONDS = 15 * 60;

/** A code is exactly six ASCII digits, leading zeros kept. */
export const CODE_PATTERN = /^\d{6}$/;

/** Formats a random integer in [0, 1 000 000) as a 6-digit code. */
export function formatCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1_000_000) throw new RangeError("code out of range");
  return String(n).padStart(6, "0");
}

export type AttemptOutcome =
  | { kind: "ok" }
  | { kind: "incorrect"; attemptsLeft: number }
  | { kind: "exceeded" }
  | { kind: "missing" };

/**
 * The outcome of one try. `attemptNumber` counts this try and every earlier one for the same code (the
 * store increments it atomically before comparing, so concurrent guesses cannot exceed the limit).
 * Once the limit is used up, even the right code is refused: a new code is needed.
 */
export function decideAttempt(attemptNumber: number, matches: boolean, maxAttempts: number): AttemptOutcome {
  if (attemptNumber > maxAttempts) return { kind: "exceeded" };
  if (matches) return { kind: "ok" };
  const attemptsLeft = maxAttempts - attemptNumber;
  return attemptsLeft === 0 ? { kind: "exceeded" } : { kind: "incorrect", attemptsLeft };
}

/** Whole seconds to wait (never 0 while something is still pending), for `Retry-After`. */
export const retryAfterSeconds = (pttlMs: number) => Math.max(1, Math.ceil(pttlMs / 1000));
