import type { payment } from "@arte/contracts";
import type { PlatformTables } from "@arte/platform";
import type { Generated } from "kysely";

export const SCHEMA = "payment";

type AttemptKind = "CAPTURE" | "RELEASE" | "REFUND";
type AttemptOutcome = "PENDING" | "SUCCEEDED" | "FAILED";

/**
 * One invoice per sold lot (`lot_id` UNIQUE). While `status = 'ISSUED'` the settlement saga owns it:
 * `next_attempt_at` says when the next capture attempt is due and `lease_until` which instance runs it.
 */
export interface InvoiceTable {
  id: string;
  number: string;
  lot_id: string;
  artwork_id: string;
  buyer_user_id: string;
  seller_account_id: string;
  seller_user_id: string | null;
  hammer: number;
  premium: number;
  premium_bps: number;
  total: number;
  /** The winner's hold to capture (from the sold event, or resolved from the hold read model). */
  bank_hold_id: string | null;
  /** The account that paid (the captured hold's account): where refunds go. */
  buyer_account_id: string | null;
  status: payment.InvoiceStatus;
  attempts: Generated<number>;
  last_error: string | null;
  last_error_code: string | null;
  next_attempt_at: Generated<Date>;
  lease_until: Date | null;
  lease_owner: string | null;
  paid_at: Date | null;
  failed_at: Date | null;
  capture_transfer_id: string | null;
  refunded_total: Generated<number>;
  source_event_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PaymentAttemptTable {
  id: string;
  invoice_id: string | null;
  lot_id: string;
  kind: AttemptKind;
  /** hold id (capture, release) or refund id */
  bank_reference: string | null;
  idempotency_key: string;
  outcome: AttemptOutcome;
  error_code: string | null;
  error: string | null;
  at: Generated<Date>;
  finished_at: Date | null;
}

export interface RefundTable {
  id: string;
  invoice_id: string;
  amount: number;
  reason: string;
  admin_user_id: string;
  idempotency_key: string;
  request_hash: string;
  status: payment.RefundStatus;
  transfer_id: string | null;
  error_code: string | null;
  error: string | null;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  lease_until: Date | null;
  created_at: Generated<Date>;
  completed_at: Date | null;
}

/** A lot's final outcome, from the auction's sold/unsold/cancelled events. */
export interface LotOutcomeTable {
  lot_id: string;
  status: "SOLD" | "UNSOLD" | "CANCELLED";
  winner_user_id: string | null;
  winner_hold_id: string | null;
  decided_at: Generated<Date>;
}

/** Bank holds whose reference belongs to a lot (`lot:<lotId>:…`), from the bank's hold events. */
export interface LotHoldTable {
  hold_id: string;
  lot_id: string;
  account_id: string;
  user_id: string | null;
  amount: number;
  reference: string;
  status: "PENDING" | "CAPTURED" | "RELEASED";
  release_attempts: Generated<number>;
  next_release_at: Generated<Date>;
  last_error: string | null;
  updated_at: Generated<Date>;
}

/** Each bidder's highest accepted bid per lot (the runner-up read model). */
export interface LotBidTable {
  lot_id: string;
  user_id: string;
  amount: number;
  last_bid_at: Date;
}

export interface RunnerUpOfferTable {
  id: string;
  invoice_id: string;
  lot_id: string;
  user_id: string;
  amount: number;
  premium: number;
  total: number;
  admin_user_id: string;
  created_at: Generated<Date>;
}

export interface PaymentDb extends PlatformTables {
  invoice: InvoiceTable;
  payment_attempt: PaymentAttemptTable;
  refund: RefundTable;
  lot_outcome: LotOutcomeTable;
  lot_hold: LotHoldTable;
  lot_bid: LotBidTable;
  runner_up_offer: RunnerUpOfferTable;
}
