import { z } from "zod";
import { IdParams, Locale, page } from "./common.js";
import { defineEvent, type StreamSpec } from "./events.js";
import { defineOperations } from "./http.js";
import { IdempotencyHeaders, Won, WonOrZero } from "./money.js";

// ---------------------------------------------------------------------------------------------
// Payment: settlement of sold lots (one invoice per lot, the winner's hold captured exactly once),
// receipts, refunds, and the release of every other hold of a lot once its outcome is known.
// ---------------------------------------------------------------------------------------------

export const PAYMENT_STREAM: StreamSpec = { name: "PAYMENT", subjects: ["payment.>"], maxAgeDays: 30 };

/**
 * ISSUED (the saga captures) → PAID | PAYMENT_FAILED (an admin may retry → PAID);
 * PAID → PARTIALLY_REFUNDED → REFUNDED (refunds by an admin).
 */
export const InvoiceStatus = z.enum(["ISSUED", "PAID", "PAYMENT_FAILED", "PARTIALLY_REFUNDED", "REFUNDED"]);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;
export const RefundStatus = z.enum(["PENDING", "COMPLETED", "FAILED"]);
export type RefundStatus = z.infer<typeof RefundStatus>;
export const AttemptKind = z.enum(["CAPTURE", "RELEASE", "REFUND"]);
export const AttemptOutcome = z.enum(["PENDING", "SUCCEEDED", "FAILED"]);

const Instant = z.iso.datetime({ offset: true });

/** What every payment event (and a receipt email) needs to name the purchase. */
const InvoiceFacts = {
  invoiceId: z.uuid(),
  /** Human-readable, unique: `AM-2025-000042`. */
  number: z.string(),
  lotId: z.uuid(),
  artworkId: z.uuid(),
  buyerUserId: z.uuid(),
  sellerAccountId: z.uuid(),
  hammer: Won,
  premium: WonOrZero,
  premiumBps: z.int().min(0).max(10_000),
  /** hammer + premium */
  total: Won,
};

// ---- events (stream PAYMENT, subjects payment.>) ----

export const InvoiceIssuedV1 = defineEvent(
  "payment.invoice.issued.v1",
  z.object({ ...InvoiceFacts, issuedAt: Instant }),
);
export const InvoicePaidV1 = defineEvent(
  "payment.invoice.paid.v1",
  z.object({ ...InvoiceFacts, paidAt: Instant, captureTransferId: z.uuid() }),
);
export const InvoiceFailedV1 = defineEvent(
  "payment.invoice.failed.v1",
  z.object({
    ...InvoiceFacts,
    /** The last error's code (a bank code, SERVICE_UNAVAILABLE, HOLD_UNKNOWN …). */
    reason: z.string(),
    message: z.string(),
    attempts: z.int().min(0),
    failedAt: Instant,
  }),
);
export const RefundIssuedV1 = defineEvent(
  "payment.refund.issued.v1",
  z.object({
    ...InvoiceFacts,
    refundId: z.uuid(),
    amount: Won,
    reason: z.string(),
    /** Everything refunded on this invoice so far, this refund included. */
    refundedTotal: Won,
    invoiceStatus: InvoiceStatus,
    transferId: z.uuid(),
    refundedAt: Instant,
  }),
);
/** A failed payment's lot offered to the runner-up at their last bid (acceptance is not automated). */
export const RunnerUpOfferedV1 = defineEvent(
  "payment.runner_up.offered.v1",
  z.object({
    offerId: z.uuid(),
    invoiceId: z.uuid(),
    number: z.string(),
    lotId: z.uuid(),
    artworkId: z.uuid(),
    userId: z.uuid(),
    amount: Won,
    premium: WonOrZero,
    total: Won,
    offeredAt: Instant,
  }),
);
export const paymentEvents = [
  InvoiceIssuedV1,
  InvoicePaidV1,
  InvoiceFailedV1,
  RefundIssuedV1,
  RunnerUpOfferedV1,
] as const;

// ---- errors ----

export const PaymentErrors = {
  INVOICE_NOT_FOUND: 404,
  /** retry: only a PAYMENT_FAILED invoice */
  INVOICE_NOT_FAILED: 409,
  /** refund: only a PAID or PARTIALLY_REFUNDED invoice */
  INVOICE_NOT_PAID: 409,
  REFUND_EXCEEDS_PAID: 422,
  /** the bank refused the refund transfer (details.bankCode) */
  REFUND_FAILED: 422,
  NO_RUNNER_UP: 409,
  RUNNER_UP_ALREADY_OFFERED: 409,
  CURSOR_INVALID: 400,
  INVALID_RANGE: 400,
} as const;
export type PaymentErrorCode = keyof typeof PaymentErrors;

// ---- HTTP (public path /api/payment + path) ----

/** An invoice as its buyer sees it. */
export const Invoice = z.object({
  id: z.uuid(),
  number: z.string(),
  lotId: z.uuid(),
  artworkId: z.uuid(),
  status: InvoiceStatus,
  hammer: Won,
  premium: WonOrZero,
  premiumBps: z.int(),
  total: Won,
  refundedTotal: WonOrZero,
  paidAt: Instant.nullable(),
  createdAt: Instant,
});
export type Invoice = z.infer<typeof Invoice>;

export const Refund = z.object({
  id: z.uuid(),
  invoiceId: z.uuid(),
  amount: Won,
  reason: z.string(),
  status: RefundStatus,
  adminUserId: z.uuid(),
  transferId: z.uuid().nullable(),
  error: z.string().nullable(),
  createdAt: Instant,
  completedAt: Instant.nullable(),
});
export type Refund = z.infer<typeof Refund>;

export const PaymentAttempt = z.object({
  id: z.uuid(),
  kind: AttemptKind,
  bankReference: z.string().nullable(),
  idempotencyKey: z.string(),
  outcome: AttemptOutcome,
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  at: Instant,
  finishedAt: Instant.nullable(),
});

export const RunnerUpOffer = z.object({
  id: z.uuid(),
  invoiceId: z.uuid(),
  lotId: z.uuid(),
  userId: z.uuid(),
  amount: Won,
  premium: WonOrZero,
  total: Won,
  adminUserId: z.uuid(),
  createdAt: Instant,
});
export type RunnerUpOffer = z.infer<typeof RunnerUpOffer>;

/** What an admin sees besides: the parties, the bank references and the saga's state. */
export const AdminInvoice = Invoice.extend({
  buyerUserId: z.uuid(),
  buyerAccountId: z.uuid().nullable(),
  sellerAccountId: z.uuid(),
  sellerUserId: z.uuid().nullable(),
  bankHoldId: z.uuid().nullable(),
  captureTransferId: z.uuid().nullable(),
  attempts: z.int(),
  lastError: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  nextAttemptAt: Instant.nullable(),
  failedAt: Instant.nullable(),
  updatedAt: Instant,
});
export type AdminInvoice = z.infer<typeof AdminInvoice>;

export const AdminInvoiceDetail = AdminInvoice.extend({
  paymentAttempts: z.array(PaymentAttempt),
  refunds: z.array(Refund),
  runnerUpOffer: RunnerUpOffer.nullable(),
});

export const MyPurchasesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional(),
});
export const ReceiptQuery = z.strictObject({ lang: Locale.default("ko") });
export const AdminInvoiceListQuery = z.strictObject({
  status: InvoiceStatus.optional(),
  /** created at or after */
  from: Instant.optional(),
  /** created before */
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional(),
});
export type AdminInvoiceListQuery = z.infer<typeof AdminInvoiceListQuery>;

export const RefundBody = z.strictObject({
  amount: Won,
  reason: z.string().trim().min(1).max(500),
});
export type RefundBody = z.infer<typeof RefundBody>;

export const DailyTotalsQuery = z.strictObject({
  /** First day (inclusive), `YYYY-MM-DD`; default 29 days before `to`. */
  from: z.iso.date().optional(),
  /** Last day (inclusive); default today. */
  to: z.iso.date().optional(),
  /** The day boundary: Seoul (default) or UTC. */
  tz: z.enum(["Asia/Seoul", "UTC"]).default("Asia/Seoul"),
});
export const DailyTotal = z.object({
  day: z.iso.date(),
  paidCount: z.int().min(0),
  hammer: WonOrZero,
  premium: WonOrZero,
  total: WonOrZero,
  refundCount: z.int().min(0),
  refunded: WonOrZero,
  /** total − refunded */
  net: z.int(),
});
export const DailyTotals = z.object({ tz: z.string(), items: z.array(DailyTotal) });

export const paymentOperations = defineOperations({
  myPurchases: {
    id: "myPurchases",
    method: "GET",
    path: "/v1/me/purchases",
    access: "user",
    summary: "My invoices, newest first, paged",
    query: MyPurchasesQuery,
    responses: { 200: page(Invoice) },
  },
  myInvoice: {
    id: "myInvoice",
    method: "GET",
    path: "/v1/me/invoices/:id",
    access: "user",
    summary: "One of my invoices (another user's is 404)",
    params: IdParams,
    responses: { 200: Invoice },
  },
  myInvoiceReceipt: {
    id: "myInvoiceReceipt",
    method: "GET",
    path: "/v1/me/invoices/:id/receipt",
    access: "user",
    summary: "A printable HTML receipt of one of my invoices (?lang=ko|en)",
    params: IdParams,
    query: ReceiptQuery,
    responses: { 200: null },
  },
  adminListInvoices: {
    id: "adminListInvoices",
    method: "GET",
    path: "/v1/admin/invoices",
    access: "admin",
    summary: "Invoices by status and creation date; failed payments first, then newest",
    query: AdminInvoiceListQuery,
    responses: { 200: page(AdminInvoice) },
  },
  adminGetInvoice: {
    id: "adminGetInvoice",
    method: "GET",
    path: "/v1/admin/invoices/:id",
    access: "admin",
    summary: "An invoice with its payment attempts, refunds and runner-up offer",
    params: IdParams,
    responses: { 200: AdminInvoiceDetail },
  },
  adminRetryInvoice: {
    id: "adminRetryInvoice",
    method: "POST",
    path: "/v1/admin/invoices/:id/retry",
    access: "admin",
    summary: "Retry a failed payment (the same capture, so it can never charge twice)",
    params: IdParams,
    responses: { 200: AdminInvoice },
  },
  adminOfferRunnerUp: {
    id: "adminOfferRunnerUp",
    method: "POST",
    path: "/v1/admin/invoices/:id/offer-runner-up",
    access: "admin",
    summary: "Offer a failed payment's lot to the runner-up at their last bid (recorded and announced)",
    params: IdParams,
    responses: { 201: RunnerUpOffer },
  },
  adminRefundInvoice: {
    id: "adminRefundInvoice",
    method: "POST",
    path: "/v1/admin/invoices/:id/refunds",
    access: "admin",
    summary: "Refund (part of) a paid invoice from the seller's account to the buyer's, once per key",
    params: IdParams,
    headers: IdempotencyHeaders,
    body: RefundBody,
    // 202: the bank did not answer yet; the refund completes in the background (same key).
    responses: { 201: Refund, 202: Refund },
  },
  adminDailyTotals: {
    id: "adminDailyTotals",
    method: "GET",
    path: "/v1/admin/payments/daily-totals",
    access: "admin",
    summary: "Paid and refunded totals per day",
    query: DailyTotalsQuery,
    responses: { 200: DailyTotals },
  },
});
