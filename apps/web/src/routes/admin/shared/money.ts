/** Won amounts and the buyer's premium as admins type them. */

/** A percentage with at most two decimals ("15", "12.5", "12.25") in basis points; null when not one. */
export function percentToBps(input: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(input.trim());
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return bps <= 10_000 ? bps : null;
}

/** Basis points as the shortest percentage text (1500 → "15", 1250 → "12.5", 1225 → "12.25"). */
export function bpsToPercent(bps: number): string {
  const whole = Math.floor(bps / 100);
  const frac = String(bps % 100)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : String(whole);
}

/** The buyer's premium on a hammer price, rounded up to the won as the auction house charges it. */
export const premiumOf = (hammer: number, bps: number) => Math.ceil((hammer * bps) / 10_000);

/** A NumberInput value (a number, or "" when empty) as a whole won amount, or undefined when empty. */
export function wonOf(v: number | string): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  const digits = v.replace(/[,\s]/g, "");
  if (digits === "") return undefined;
  const n = Number(digits);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** What may still be refunded on an invoice. */
export const refundable = (inv: { total: number; refundedTotal: number }) =>
  Math.max(0, inv.total - inv.refundedTotal);
