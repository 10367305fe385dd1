import type { LotStatus } from "@arte/contracts/auction.js";
import type { BidKind, BidOutcome } from "@arte/contracts/history.js";
import type { PlatformTables } from "@arte/platform";
import type { Generated } from "kysely";

export const SCHEMA = "history";

/** A lot's latest public snapshot (newest `version` wins) and who leads and won it. */
export interface LotTable {
  lot_id: string;
  artwork_id: string;
  status: LotStatus;
  current_price: number;
  bid_count: number;
  starts_at: Date;
  ends_at: Date;
  version: number;
  /** The bidder of the accepted bid with the highest version that led after it. */
  leader_user_id: string | null;
  leader_version: Generated<number>;
  /** From `auction.lot.sold.v1`. */
  winner_user_id: string | null;
  updated_at: Generated<Date>;
}

/** A bidder's alias on one lot: given once, never changed. */
export interface BidderAliasTable {
  lot_id: string;
  user_id: string;
  alias: string;
  created_at: Generated<Date>;
}

/** Every accepted bid, once (by bid id, and by the lot version it produced). */
export interface BidTable {
  bid_id: string;
  lot_id: string;
  version: number;
  user_id: string;
  amount: number;
  kind: BidKind;
  leading_after: boolean;
  placed_at: Date;
  event_id: string;
}

/** One row per (user, lot) the user bid on. */
export interface MyLotTable {
  user_id: string;
  lot_id: string;
  highest_bid: number;
  bid_count: number;
  first_bid_at: Date;
  last_bid_at: Date;
}

/** Every bid attempt, accepted or rejected. */
export interface BidAttemptTable {
  attempt_id: string;
  event_id: string;
  lot_id: string;
  user_id: string;
  amount: number;
  outcome: BidOutcome;
  code: string | null;
  kind: BidKind | null;
  leading_after: boolean | null;
  next_minimum: number | null;
  at: Date;
}

/** What "my bids" shows of an artwork (from the catalog's artwork events; newest `version` wins). */
export interface ArtworkTable {
  artwork_id: string;
  title_ko: string;
  title_en: string | null;
  artist_name_ko: string;
  artist_name_en: string;
  /** The primary image as the catalog describes it (an `ImageView`), when the event carries one. */
  primary_image: unknown | null;
  archived: boolean;
  version: number;
  updated_at: Generated<Date>;
}

export interface HistoryDb extends PlatformTables {
  lot: LotTable;
  bidder_alias: BidderAliasTable;
  bid: BidTable;
  my_lot: MyLotTable;
  bid_attempt: BidAttemptTable;
  artwork: ArtworkTable;
}
