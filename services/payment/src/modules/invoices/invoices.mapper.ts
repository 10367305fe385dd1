import type { payment } from "@arte/contracts";
import type { Selectable } from "kysely";
import type { InvoiceTable, PaymentAttemptTable, RefundTable, RunnerUpOfferTable } from "../../db/schema.js";

export type InvoiceRow = Selectable<InvoiceTable>;
export type RefundRow = Selectable<RefundTable>;
export type AttemptRow = Selectable<PaymentAttemptTable>;
export type OfferRow = Selectable<RunnerUpOfferTable>;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The facts every payment event carries. */
export const invoiceFacts = (i: InvoiceRow) => ({
  invoiceId: i.id,
  number: i.number,
  lotId: i.lot_id,
  artworkId: i.artwork_id,
  buyerUserId: i.buyer_user_id,
  sellerAccountId: i.seller_account_id,
  hammer: i.hammer,
  premium: i.premium,
  premiumBps: i.premium_bps,
  total: i.total,
});

export const toInvoice = (i: InvoiceRow): payment.Invoice => ({
  id: i.id,
  number: i.number,
  lotId: i.lot_id,
  artworkId: i.artwork_id,
  status: i.status,
  hammer: i.hammer,
  premium: i.premium,
  premiumBps: i.premium_bps,
  total: i.total,
  refundedTotal: i.refunded_total,
  paidAt: isoOrNull(i.paid_at),
  createdAt: iso(i.created_at),
});

export const toAdminInvoice = (i: InvoiceRow): payment.AdminInvoice => ({
  ...toInvoice(i),
  buyerUserId: i.buyer_user_id,
  buyerAccountId: i.buyer_account_id,
  sellerAccountId: i.seller_account_id,
  sellerUserId: i.seller_user_id,
  bankHoldId: i.bank_hold_id,
  captureTransferId: i.capture_transfer_id,
  attempts: i.attempts,
  lastError: i.last_error,
  lastErrorCode: i.last_error_code,
  nextAttemptAt: i.status === "ISSUED" ? iso(i.next_attempt_at) : null,
  failedAt: isoOrNull(i.failed_at),
  updatedAt: iso(i.updated_at),
});

export const toRefund = (r: RefundRow): payment.Refund => ({
  id: r.id,
  invoiceId: r.invoice_id,
  amount: r.amount,
  reason: r.reason,
  status: r.status,
  adminUserId: r.admin_user_id,
  transferId: r.transfer_id,
  error: r.error,
  createdAt: iso(r.created_at),
  completedAt: isoOrNull(r.completed_at),
});

export const toAttempt = (a: AttemptRow) => ({
  id: a.id,
  kind: a.kind,
  bankReference: a.bank_reference,
  idempotencyKey: a.idempotency_key,
  outcome: a.outcome,
  errorCode: a.error_code,
  error: a.error,
  at: iso(a.at),
  finishedAt: isoOrNull(a.finished_at),
});

export const toOffer = (o: OfferRow): payment.RunnerUpOffer => ({
  id: o.id,
  invoiceId: o.invoice_id,
  lotId: o.lot_id,
  userId: o.user_id,
  amount: o.amount,
  premium: o.premium,
  total: o.total,
  adminUserId: o.admin_user_id,
  createdAt: iso(o.created_at),
});
