import { z } from "zod";
import { defineEvent, type StreamSpec } from "./events.js";
import { Won } from "./money.js";

// ---------------------------------------------------------------------------------------------
// The auction context's events (stream AUCTION, subjects auction.>). Events only for now: the
// auction service (lots, bids, schedule) emits exactly these; the catalog's listing read model and,
// later, history, payment and notification consume them.
// ---------------------------------------------------------------------------------------------

export const AUCTION_STREAM: StreamSpec = { name: "AUCTION", subjects: ["auction.>"], maxAgeDays: 7 };

/** SCHEDULED → OPEN → CLOSED → SOLD | UNSOLD; CANCELLED before the first bid. */
export const LotStatus = z.enum(["SCHEDULED", "OPEN", "CLOSED", "SOLD", "UNSOLD", "CANCELLED"]);
export type LotStatus = z.infer<typeof LotStatus>;

/**
 * The public state of one lot after a change. Every event of a lot carries the whole snapshot and the
 * lot's `version`, which increases by at least one with every change: a consumer applies an event only
 * when its version is newer than the one it holds, so redelivery and arrival order do not matter.
 * No bidder identity is carried here (the history context has its own events for that).
 */
export const LotSnapshot = z.object({
  lotId: z.uuid(),
  artworkId: z.uuid(),
  status: LotStatus,
  /** The current price in won: the start price until the first bid, then the leading bid. */
  currentPrice: Won,
  bidCount: z.int().min(0),
  startsAt: z.iso.datetime({ offset: true }),
  /** Moves later with a soft close. */
  endsAt: z.iso.datetime({ offset: true }),
  version: z.int().min(1),
  // Added by the auction service (optional: consumers of v1 may ignore them).
  /** Whether the hidden reserve is met (a lot without a reserve: once it has a bid). */
  reserveMet: z.boolean().optional(),
  /** The leader's per-lot alias ("Bidder 3"), null without bids. */
  leaderAlias: z.string().nullable().optional(),
  /** The least amount the next bid may name. */
  nextMinimum: Won.optional(),
});
export type LotSnapshot = z.infer<typeof LotSnapshot>;

/** Facts of a sale that settlement needs (winner, hammer price, premium, payee, the hold to capture). */
export const LotSaleFields = {
  winnerUserId: z.uuid().optional(),
  hammerPrice: Won.optional(),
  /** Buyer's premium in won (rounded up); the invoice is hammerPrice + premium. */
  premium: z.int().min(0).optional(),
  premiumBps: z.int().min(0).max(10_000).optional(),
  sellerAccountId: z.uuid().optional(),
  sellerUserId: z.uuid().nullable().optional(),
  /** The bank hold on the winner's account that backs the sale (capture it). */
  bankHoldId: z.uuid().optional(),
  /** Sold by a buy-now bid. */
  buyNow: z.boolean().optional(),
};
/** Facts of an accepted bid for the history context (bidder identity stays off public responses). */
export const BidFields = {
  bidId: z.uuid().optional(),
  bidderUserId: z.uuid().optional(),
  bidderAlias: z.string().optional(),
  amount: Won.optional(),
  kind: z.enum(["BID", "RAISE", "BUY_NOW"]).optional(),
  /** Whether the bidder leads after the bid (false: a proxy maximum answered it at once). */
  leading: z.boolean().optional(),
  extended: z.boolean().optional(),
  placedAt: z.iso.datetime({ offset: true }).optional(),
};

export const LotScheduledV1 = defineEvent("auction.lot.scheduled.v1", LotSnapshot);
export const LotOpenedV1 = defineEvent("auction.lot.opened.v1", LotSnapshot);
export const LotClosedV1 = defineEvent("auction.lot.closed.v1", LotSnapshot);
export const LotSoldV1 = defineEvent("auction.lot.sold.v1", LotSnapshot.extend(LotSaleFields));
export const LotUnsoldV1 = defineEvent(
  "auction.lot.unsold.v1",
  LotSnapshot.extend({ reason: z.enum(["NO_BIDS", "RESERVE_NOT_MET"]).optional() }),
);
export const LotCancelledV1 = defineEvent(
  "auction.lot.cancelled.v1",
  LotSnapshot.extend({ reason: z.string().optional() }),
);
/** An accepted bid: the lot's new price, bid count and (soft close) end time. */
export const BidPlacedV1 = defineEvent("auction.bid.placed.v1", LotSnapshot.extend(BidFields));

/** Every auction event that carries a {@link LotSnapshot}. */
export const lotEvents = [
  LotScheduledV1,
  LotOpenedV1,
  LotClosedV1,
  LotSoldV1,
  LotUnsoldV1,
  LotCancelledV1,
  BidPlacedV1,
] as const;

export const auctionEvents = [...lotEvents] as const;
