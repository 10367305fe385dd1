import type { PlatformTables } from "@arte/platform";
import type { Generated } from "kysely";
import type { IncrementTier } from "../modules/bidding/bidding.domain.js";

export const SCHEMA = "auction";

export type LotStatus = "SCHEDULED" | "OPEN" | "CLOSED" | "SOLD" | "UNSOLD" | "CANCELLED";
export type HoldRowStatus = "REQUESTED" | "ACTIVE" | "FAILED" | "RELEASING" | "RELEASED" | "WON";
export type BidKind = "BID" | "RAISE" | "BUY_NOW";

export interface LotTable {
  id: string;
  artwork_id: string;
  seller_account_id: string;
  seller_user_id: string | null;
  start_price: number;
  reserve_price: number | null;
  buy_now_price: number | null;
  increments: IncrementTier[];
  soft_close_seconds: number;
  premium_bps: number;
  starts_at: Date;
  ends_at: Date;
  /** The end as scheduled, before any soft-close extension. */
  scheduled_ends_at: Date;
  status: LotStatus;
  current_price: number;
  bid_count: Generated<number>;
  leader_user_id: string | null;
  leader_max: number | null;
  leader_bid_id: string | null;
  next_alias: Generated<number>;
  hammer_price: number | null;
  premium: number | null;
  outcome_reason: string | null;
  cancel_reason: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: Date | null;
}

export interface BidTable {
  id: string;
  lot_id: string;
  seq: number;
  user_id: string;
  amount: number;
  max_amount: number;
  kind: BidKind;
  price_after: number;
  leading_after: boolean;
  hold_id: string;
  created_at: Date;
}

export interface LotBidderTable {
  lot_id: string;
  user_id: string;
  alias: number;
}

export interface LotChangeTable {
  lot_id: string;
  version: number;
  kind: string;
  payload: unknown;
  at: Generated<Date>;
}

export interface BidderTable {
  user_id: string;
  suspended: Generated<boolean>;
  suspended_changed_at: Date | null;
  bank_account_id: string | null;
  bank_changed_at: Date | null;
  updated_at: Generated<Date>;
}

export interface BidHoldTable {
  id: string;
  seq: Generated<number>;
  lot_id: string;
  user_id: string;
  account_id: string;
  amount: number;
  reference: string;
  bank_key: string;
  bank_hold_id: string | null;
  status: HoldRowStatus;
  reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AuctionDb extends PlatformTables {
  lot: LotTable;
  bid: BidTable;
  lot_bidder: LotBidderTable;
  lot_change: LotChangeTable;
  bidder: BidderTable;
  bid_hold: BidHoldTable;
}
