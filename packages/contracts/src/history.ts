import { z } from "zod";
import { BidRejectedV1, LotStatus, lotEvents } from "./auction.js";
import { ArtworkArchivedV1, ArtworkCreatedV1, ArtworkUpdatedV1, ImageView } from "./catalog.js";
import { page } from "./common.js";
import { defineOperations } from "./http.js";
import { Won } from "./money.js";

// ---------------------------------------------------------------------------------------------
// The history context (the original auction-logger): projections built only from AUCTION and
// CATALOG events. It publishes nothing. Public answers name other bidders by their per-lot alias
// ("Bidder 3") and mark the caller's own bids `you: true`; no public answer carries a user id.
// ---------------------------------------------------------------------------------------------

const Instant = z.iso.datetime({ offset: true });
const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().min(1).max(500).optional();

export const BidKind = z.enum(["BID", "RAISE", "BUY_NOW"]);
export type BidKind = z.infer<typeof BidKind>;

export const HistoryLotParams = z.strictObject({ lotId: z.uuid() });

/** One accepted bid of a lot, as anyone sees it. */
export const LotBid = z.object({
  bidId: z.uuid(),
  /** The bidder's per-lot alias ("Bidder 3"); stable for the lot's whole life. */
  alias: z.string(),
  /** The caller's own bid (false when not signed in). */
  you: z.boolean(),
  amount: Won,
  kind: BidKind,
  /** Whether the bidder led right after this bid (false: a higher proxy maximum answered it). */
  leading: z.boolean(),
  placedAt: Instant,
});
export type LotBid = z.infer<typeof LotBid>;

export const LotBidsQuery = z.strictObject({ limit, cursor });
export type LotBidsQuery = z.infer<typeof LotBidsQuery>;

/** My standing on a lot I bid on. */
export const MyBidState = z.enum(["LEADING", "OUTBID", "WON", "LOST"]);
export type MyBidState = z.infer<typeof MyBidState>;

/** What the history context knows of an artwork (from the catalog's artwork events). */
export const HistoryArtwork = z.object({
  titleKo: z.string(),
  titleEn: z.string().nullable(),
  artistNameKo: z.string(),
  artistNameEn: z.string(),
  primaryImage: ImageView.nullable(),
  archived: z.boolean(),
});

/** One row per lot I bid on. */
export const MyBid = z.object({
  lotId: z.uuid(),
  artworkId: z.uuid(),
  /** Null until the catalog's artwork event has arrived. */
  artwork: HistoryArtwork.nullable(),
  state: MyBidState,
  /** My alias on this lot. */
  alias: z.string(),
  myHighestBid: Won,
  myBidCount: z.int().min(1),
  lastBidAt: Instant,
  currentPrice: Won,
  bidCount: z.int().min(0),
  endsAt: Instant,
  lotStatus: LotStatus,
});
export type MyBid = z.infer<typeof MyBid>;

export const MyBidsQuery = z.strictObject({ state: MyBidState.optional(), limit, cursor });
export type MyBidsQuery = z.infer<typeof MyBidsQuery>;

export const BidOutcome = z.enum(["ACCEPTED", "REJECTED"]);
export type BidOutcome = z.infer<typeof BidOutcome>;

/** One bid attempt, accepted or rejected (admins only: carries the user id). */
export const BidAttempt = z.object({
  /** The bid id of an accepted attempt; the event id of a rejected one. */
  attemptId: z.uuid(),
  lotId: z.uuid(),
  userId: z.uuid(),
  /** The bidder's alias on the lot, when known. */
  alias: z.string().nullable(),
  amount: Won,
  outcome: BidOutcome,
  /** Why a rejected attempt was refused (an `AuctionErrors` code); null when accepted. */
  code: z.string().nullable(),
  kind: BidKind.nullable(),
  leading: z.boolean().nullable(),
  nextMinimum: Won.nullable(),
  at: Instant,
  eventId: z.uuid(),
});
export type BidAttempt = z.infer<typeof BidAttempt>;

export const BidAttemptsQuery = z
  .strictObject({
    lotId: z.uuid().optional(),
    userId: z.uuid().optional(),
    outcome: BidOutcome.optional(),
    /** Attempts at or after this instant. */
    from: Instant.optional(),
    /** Attempts before this instant. */
    to: Instant.optional(),
    limit,
    cursor,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: "from must be before to",
    path: ["from"],
  });
export type BidAttemptsQuery = z.infer<typeof BidAttemptsQuery>;

// ---------------------------------------------------------------------------------------------
// What the history context consumes (SUBSCRIPTIONS in index.ts)
// ---------------------------------------------------------------------------------------------

/** Every lot event (the snapshot and, for a bid, who bid what), and every refused bid. */
export const historyAuctionEvents = [...lotEvents, BidRejectedV1] as const;
/** The artwork's title, artist and primary image for "my bids". */
export const historyCatalogEvents = [ArtworkCreatedV1, ArtworkUpdatedV1, ArtworkArchivedV1] as const;

// ---------------------------------------------------------------------------------------------
// Errors: code → status
// ---------------------------------------------------------------------------------------------

export const HistoryErrors = {
  /** No event of this lot has reached the history context. */
  LOT_NOT_FOUND: 404,
  CURSOR_INVALID: 400,
} as const;
export type HistoryErrorCode = keyof typeof HistoryErrors;

// ---------------------------------------------------------------------------------------------
// Operations (public path = /api/history + path)
// ---------------------------------------------------------------------------------------------

export const historyOperations = defineOperations({
  lotBids: {
    id: "lotBids",
    method: "GET",
    path: "/v1/lots/:lotId/bids",
    access: "public",
    summary: "A lot's accepted bids, newest first, by alias (your own marked `you` when signed in)",
    params: HistoryLotParams,
    query: LotBidsQuery,
    responses: { 200: page(LotBid) },
  },
  myBids: {
    id: "myBids",
    method: "GET",
    path: "/v1/me/bids",
    access: "user",
    summary: "The lots I bid on with my standing (leading, outbid, won, lost), most recent first",
    query: MyBidsQuery,
    responses: { 200: page(MyBid) },
  },
  adminBidAttempts: {
    id: "adminBidAttempts",
    method: "GET",
    path: "/v1/admin/bid-attempts",
    access: "admin",
    summary: "Every bid attempt, accepted or rejected with its code, newest first",
    query: BidAttemptsQuery,
    responses: { 200: page(BidAttempt) },
  },
});
