import { AppError } from "@arte/platform";

/**
 * Pure rules of settlement: the bank idempotency keys (deterministic, so a resumed step repeats the
 * same bank operation and the bank answers it from its idempotency record), error classification
 * and backoff.
 */

/** The key of an invoice's capture: one per invoice, for ever (a retry is the same capture). */
export const captureKey = (invoiceId: string) => `payment.capture.${invoiceId}`;
/** The key of the release of one hold by payment: a hold is released at most once. */
export const releaseKey = (holdId: string) => `payment.release.${holdId}`;
/** The key of one refund's transfer. */
export const refundKey = (refundId: string) => `payment.refund.${refundId}`;
/** The bank reference of a refund transfer. */
export const refundReference = (invoiceNumber: string, refundId: string) =>
  `invoice:${invoiceNumber}:refund:${refundId}`;

/** `lot:<lotId>:bidder:<userId>:<n>` (the auction's hold reference) → lot and bidder. */
const REFERENCE = /^lot:([0-9a-f-]{36}):(?:bidder:([0-9a-f-]{36}):)?/i;
export function parseHoldReference(reference: string): { lotId: string; userId: string | null } | null {
  const m = REFERENCE.exec(reference);
  if (!m?.[1]) return null;
  return { lotId: m[1].toLowerCase(), userId: m[2]?.toLowerCase() ?? null };
}

export type Failure = { code: string; message: string; transient: boolean };

/**
 * Transient: the bank did not answer (SERVICE_UNAVAILABLE), any 5xx, a refused signature (a clock or
 * secret problem an operator can fix), a rate limit, and anything that is not an AppError (a
 * database or network error). Everything else is the bank's definite "no" (hold gone, capture
 * exceeds hold, account closed …): retrying the same request cannot change it.
 */
export function classify(err: unknown): Failure {
  if (err instanceof AppError) {
    const transient = err.status >= 500 || err.code === "UNAUTHENTICATED" || err.code === "RATE_LIMITED";
    return { code: err.code, message: err.message, transient };
  }
  return { code: "INTERNAL", message: String((err as Error)?.message ?? err).slice(0, 500), transient: true };
}

/** Delay before attempt n+1 (n ≥ 1): base, 2×base, 4×base … capped at 5 minutes. */
export const backoffMs = (attempts: number, baseMs: number) =>
  Math.min(300_000, baseMs * 2 ** Math.max(0, attempts - 1));

/** The premium in won when an event did not carry it (rounded up, as the auction does). */
export const premiumOf = (hammer: number, bps: number) =>
  Number((BigInt(hammer) * BigInt(bps) + 9_999n) / 10_000n);

/** The human-readable invoice number: `AM-<year>-<6 digits>` from a sequence. */
export const invoiceNumber = (year: number, n: number) => `AM-${year}-${String(n).padStart(6, "0")}`;
