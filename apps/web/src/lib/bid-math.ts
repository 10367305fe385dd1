/**
 * The money of one bid as the auction service computes it: the bank holds the bid's maximum (or its
 * amount without one) plus the buyer's premium on it, rounded up to a won. The arithmetic is the
 * auction service's `holdAmount` / `premiumOf` (bigint, so no float rounding and no overflow).
 */

const BPS = 10_000n;

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** The buyer's premium on a price in won, rounded up to a won. */
export function premiumOf(price: number, premiumBps: number): number {
  return Number(ceilDiv(BigInt(price) * BigInt(premiumBps), BPS));
}

/** What a bid commits you to: the larger of its amount and its maximum. */
export function bidMaximum(amount: number, maxAmount?: number | null): number {
  return Math.max(amount, maxAmount ?? amount);
}

/** What the bank holds for a bid: maximum × (1 + premium), rounded up to a won. */
export function holdAmount(maximum: number, premiumBps: number): number {
  return Number(ceilDiv(BigInt(maximum) * (BPS + BigInt(premiumBps)), BPS));
}

export type BidSummary = {
  amount: number;
  /** The proxy maximum, when one is named above the amount. */
  maximum: number | null;
  /** The premium on the amount, and the amount with it (what you pay if the hammer falls at it). */
  premium: number;
  total: number;
  /** The premium and total at the maximum (null without one). */
  premiumAtMaximum: number | null;
  totalAtMaximum: number | null;
  /** The bank hold this bid places on your account. */
  hold: number;
};

/** The confirmation's figures of a bid of `amount` (and an optional maximum) on a lot's premium. */
export function bidSummary(
  amount: number,
  maxAmount: number | null | undefined,
  premiumBps: number,
): BidSummary {
  const maximum = maxAmount != null && maxAmount > amount ? maxAmount : null;
  const premium = premiumOf(amount, premiumBps);
  const premiumAtMaximum = maximum === null ? null : premiumOf(maximum, premiumBps);
  return {
    amount,
    maximum,
    premium,
    total: amount + premium,
    premiumAtMaximum,
    totalAtMaximum: maximum === null || premiumAtMaximum === null ? null : maximum + premiumAtMaximum,
    hold: holdAmount(bidMaximum(amount, maxAmount), premiumBps),
  };
}

/** Why an amount (and maximum) cannot be bid, before asking the server; null when it can. */
export function bidProblem(
  amount: number | null,
  maxAmount: number | null,
  nextMinimum: number,
): "AMOUNT_REQUIRED" | "BELOW_MINIMUM" | "MAX_BELOW_AMOUNT" | null {
  if (amount === null || !Number.isSafeInteger(amount) || amount <= 0) return "AMOUNT_REQUIRED";
  if (amount < nextMinimum) return "BELOW_MINIMUM";
  if (maxAmount !== null && maxAmount < amount) return "MAX_BELOW_AMOUNT";
  return null;
}

/** The bid step that applies at a price, from the lot's increment table (ascending; the last unbounded). */
export function incrementAt(price: number, table: readonly { upTo: number | null; step: number }[]): number {
  for (const t of table) if (t.upTo === null || price < t.upTo) return t.step;
  return table[table.length - 1]?.step ?? 1;
}
