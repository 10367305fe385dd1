/** An invoice's figures and status as my page and the receipt show them. */
import type { InvoiceStatus } from "@arte/contracts/payment.js";
import type { Invoice } from "../../../../hooks/api/payment";

/** The status badge: dark fills (white text above 4.5:1) for the states that need attention. */
export const invoiceStatusBadge: Record<
  InvoiceStatus,
  { color: string; variant: "filled" | "outline" | "light" }
> = {
  ISSUED: { color: "ink", variant: "outline" },
  PAID: { color: "#1f6f35", variant: "filled" },
  PAYMENT_FAILED: { color: "red.9", variant: "filled" },
  PARTIALLY_REFUNDED: { color: "#8a4b08", variant: "filled" },
  REFUNDED: { color: "gray", variant: "light" },
};

/** The buyer's premium rate in percent from basis points: 1000 → "10", 1250 → "12.5", 1234 → "12.34". */
export function premiumPercent(bps: number): string {
  return String(Math.round(bps) / 100);
}

export type InvoiceLine = {
  id: "hammer" | "premium" | "total" | "refunded" | "net";
  /** Won; a refund is negative. */
  amount: number;
  /** The figure that closes a block (total, net). */
  strong: boolean;
};

/** Hammer, premium and total; with refunds, the refunded amount and what remains paid. */
export function invoiceLines(inv: Pick<Invoice, "hammer" | "premium" | "total" | "refundedTotal">) {
  const lines: InvoiceLine[] = [
    { id: "hammer", amount: inv.hammer, strong: false },
    { id: "premium", amount: inv.premium, strong: false },
    { id: "total", amount: inv.total, strong: true },
  ];
  if (inv.refundedTotal > 0)
    lines.push(
      { id: "refunded", amount: -inv.refundedTotal, strong: false },
      { id: "net", amount: inv.total - inv.refundedTotal, strong: true },
    );
  return lines;
}

/** A paid (or since refunded) invoice prints as a receipt; an unpaid one as an invoice (a bill). */
export const documentKind = (status: InvoiceStatus): "receipt" | "invoice" =>
  status === "ISSUED" || status === "PAYMENT_FAILED" ? "invoice" : "receipt";

/** The receipt page of an invoice. */
export const receiptHref = (invoiceId: string) => `/me/invoices/${encodeURIComponent(invoiceId)}/receipt`;
