import { z } from "zod";
import { page } from "./common.js";
import { defineEvent, type StreamSpec } from "./events.js";
import { defineOperations } from "./http.js";
import { IdempotencyHeaders, Won } from "./money.js";
import { defineRpc } from "./rpc.js";

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

/** A bid refused, with its code: the history context's audit of every attempt. */
export const BidRejectedV1 = defineEvent(
  "auction.bid.rejected.v1",
  z.object({
    lotId: z.uuid(),
    bidderUserId: z.uuid(),
    amount: Won,
    code: z.string(),
    nextMinimum: Won.optional(),
    at: z.iso.datetime({ offset: true }),
  }),
);
/** A bidder lost the lead (personal: the notification context tells them). */
export const BidOutbidV1 = defineEvent(
  "auction.bid.outbid.v1",
  z.object({
    lotId: z.uuid(),
    artworkId: z.uuid(),
    userId: z.uuid(),
    currentPrice: Won,
    nextMinimum: Won,
    endsAt: z.iso.datetime({ offset: true }),
    version: z.int().min(1),
  }),
);
/**
 * Internal to the auction service: a bank hold that no longer backs a lead must be released. Written in
 * the transaction that made it unnecessary; the auction service's own consumer calls the bank.
 */
export const HoldReleaseRequestedV1 = defineEvent(
  "auction.hold.release_requested.v1",
  z.object({
    holdId: z.uuid(),
    lotId: z.uuid(),
    userId: z.uuid(),
    bankHoldId: z.uuid().nullable(),
    reason: z.string(),
  }),
);

export const auctionEvents = [...lotEvents, BidRejectedV1, BidOutbidV1, HoldReleaseRequestedV1] as const;

// ---------------------------------------------------------------------------------------------
// HTTP (public path /api/auction + path) and RPC
// ---------------------------------------------------------------------------------------------

export const AuctionErrors = {
  LOT_NOT_FOUND: 404,
  LOT_NOT_OPEN: 409,
  LOT_ENDED: 409,
  BID_TOO_LOW: 422,
  /** maxAmount below amount */
  INVALID_MAXIMUM: 400,
  SELF_BIDDING: 403,
  NO_LINKED_ACCOUNT: 403,
  INSUFFICIENT_FUNDS: 422,
  EMAIL_NOT_VERIFIED: 403,
  ACCOUNT_SUSPENDED: 403,
  ALREADY_LEADING: 409,
  /** The bank did not answer; nothing was bid (retry with the same Idempotency-Key). */
  BANK_UNAVAILABLE: 503,
  // lot administration
  INVALID_LOT: 400,
  LOT_ALREADY_STARTED: 409,
  LOT_HAS_BIDS: 409,
  LOT_NOT_CANCELLABLE: 409,
  ARTWORK_ALREADY_LISTED: 409,
  /** No artwork with that id in the catalogue. */
  ARTWORK_NOT_FOUND: 404,
  /** The artwork is archived: it cannot be put up for sale. */
  ARTWORK_ARCHIVED: 409,
  /** The catalogue did not answer whether the artwork exists; nothing was scheduled. */
  CATALOG_UNAVAILABLE: 503,
  CURSOR_INVALID: 400,
} as const;
export type AuctionErrorCode = keyof typeof AuctionErrors;

export const LotIdParams = z.strictObject({ lotId: z.uuid() });

/** One tier of an increment table: below `upTo` the step is `step`; the last tier has `upTo: null`. */
export const IncrementTier = z.object({ upTo: Won.nullable(), step: Won });

const Instant = z.iso.datetime({ offset: true });

/** A lot as anyone sees it: never the reserve amount, never a user id. */
export const PublicLot = z.object({
  lotId: z.uuid(),
  artworkId: z.uuid(),
  status: LotStatus,
  startPrice: Won,
  currentPrice: Won,
  nextMinimum: Won,
  bidCount: z.int().min(0),
  hasReserve: z.boolean(),
  reserveMet: z.boolean(),
  buyNowPrice: Won.nullable(),
  premiumBps: z.int(),
  softCloseSeconds: z.int(),
  increments: z.array(IncrementTier),
  startsAt: Instant,
  endsAt: Instant,
  scheduledEndsAt: Instant,
  /** The leader by alias; `you` when the caller leads. */
  leader: z.object({ alias: z.string(), you: z.boolean() }).nullable(),
  /** The caller's own standing (null when not signed in or never bid). */
  you: z
    .object({ alias: z.string(), leading: z.boolean(), yourMaximum: Won.nullable(), bidCount: z.int() })
    .nullable(),
  hammerPrice: Won.nullable(),
  version: z.int().min(1),
  serverTime: Instant,
});
export type PublicLot = z.infer<typeof PublicLot>;

/** What an admin sees besides: the reserve, the seller, the leader's id and maximum, outcomes. */
export const AdminLot = PublicLot.extend({
  reservePrice: Won.nullable(),
  sellerAccountId: z.uuid(),
  sellerUserId: z.uuid().nullable(),
  leaderUserId: z.uuid().nullable(),
  leaderMax: Won.nullable(),
  premium: z.int().nullable(),
  outcomeReason: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type AdminLot = z.infer<typeof AdminLot>;

export const LotListQuery = z.strictObject({
  status: LotStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional(),
});

/** One change of a lot's public state, as the live feed shows it. */
export const LotChange = z.object({
  version: z.int().min(1),
  kind: z.string(),
  at: Instant,
  status: LotStatus,
  currentPrice: Won,
  nextMinimum: Won,
  bidCount: z.int().min(0),
  endsAt: Instant,
  reserveMet: z.boolean(),
  leaderAlias: z.string().nullable(),
});
export type LotChange = z.infer<typeof LotChange>;

export const LotChangesQuery = z.strictObject({
  sinceVersion: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** Changes after `sinceVersion`, oldest first; `version` is the lot's current one. */
export const LotChanges = z.object({ lotId: z.uuid(), version: z.int(), changes: z.array(LotChange) });
export type LotChanges = z.infer<typeof LotChanges>;

export const PlaceBidBody = z.strictObject({
  amount: Won,
  /** A proxy maximum: the system bids for you one increment at a time up to it. */
  maxAmount: Won.optional(),
});
export type PlaceBidBody = z.infer<typeof PlaceBidBody>;

export const BidAccepted = z.object({
  bidId: z.uuid(),
  lotId: z.uuid(),
  /** false when another bidder's higher maximum answered your bid at once. */
  leading: z.boolean(),
  price: Won,
  nextMinimum: Won,
  endsAt: Instant,
  /** Your maximum now backing the lead (null when you do not lead). */
  yourMaximum: Won.nullable(),
  extended: z.boolean(),
  alias: z.string(),
  status: LotStatus,
  version: z.int(),
});
export type BidAccepted = z.infer<typeof BidAccepted>;

const lotFields = {
  sellerAccountId: z.uuid().optional(),
  sellerUserId: z.uuid().nullable().optional(),
  startPrice: Won,
  reservePrice: Won.nullable().optional(),
  buyNowPrice: Won.nullable().optional(),
  increments: z.array(IncrementTier).min(1).max(20).optional(),
  softCloseSeconds: z.int().min(0).max(3600).optional(),
  /** Buyer's premium in basis points (1500 = 15 %). */
  premiumBps: z.int().min(0).max(10_000).optional(),
  startsAt: Instant,
  endsAt: Instant,
};
export const CreateLotBody = z.strictObject({ artworkId: z.uuid(), ...lotFields });
export type CreateLotBody = z.infer<typeof CreateLotBody>;
export const UpdateLotBody = z
  .strictObject(lotFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, "nothing to update");
export type UpdateLotBody = z.infer<typeof UpdateLotBody>;
export const CancelLotBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const auctionOperations = defineOperations({
  listLots: {
    id: "listLots",
    method: "GET",
    path: "/v1/lots",
    access: "public",
    summary: "Lots by status, soonest first, paged",
    query: LotListQuery,
    responses: { 200: page(PublicLot) },
  },
  getLot: {
    id: "getLot",
    method: "GET",
    path: "/v1/lots/:lotId",
    access: "public",
    summary: "One lot's live snapshot (with its version; your own standing when signed in)",
    params: LotIdParams,
    responses: { 200: PublicLot },
  },
  lotChanges: {
    id: "lotChanges",
    method: "GET",
    path: "/v1/lots/:lotId/changes",
    access: "public",
    summary: "A lot's changes after a version: resume a live feed from a snapshot",
    params: LotIdParams,
    query: LotChangesQuery,
    responses: { 200: LotChanges },
  },
  placeBid: {
    id: "placeBid",
    method: "POST",
    path: "/v1/lots/:lotId/bids",
    access: "user",
    summary: "Bid (optionally with a proxy maximum); answered at once: leading or why not",
    params: LotIdParams,
    headers: IdempotencyHeaders,
    body: PlaceBidBody,
    responses: { 201: BidAccepted },
  },
  adminCreateLot: {
    id: "adminCreateLot",
    method: "POST",
    path: "/v1/admin/lots",
    access: "admin",
    summary: "Schedule a lot for an artwork",
    body: CreateLotBody,
    responses: { 201: AdminLot },
  },
  adminGetLot: {
    id: "adminGetLot",
    method: "GET",
    path: "/v1/admin/lots/:lotId",
    access: "admin",
    summary: "A lot with its reserve, seller and leader",
    params: LotIdParams,
    responses: { 200: AdminLot },
  },
  adminUpdateLot: {
    id: "adminUpdateLot",
    method: "PATCH",
    path: "/v1/admin/lots/:lotId",
    access: "admin",
    summary: "Edit a lot before it starts",
    params: LotIdParams,
    body: UpdateLotBody,
    responses: { 200: AdminLot },
  },
  adminCancelLot: {
    id: "adminCancelLot",
    method: "POST",
    path: "/v1/admin/lots/:lotId/cancel",
    access: "admin",
    summary: "Cancel a lot before its first bid",
    params: LotIdParams,
    body: CancelLotBody,
    responses: { 200: AdminLot },
  },
});

/** The live feed's tail over NATS (the gateway's WebSocket feed resumes with it). */
export const LotChangesRpc = defineRpc(
  "auction.lot_changes",
  z.strictObject({
    lotId: z.uuid(),
    sinceVersion: z.int().min(0).default(0),
    limit: z.int().min(1).max(500).default(100),
  }),
  LotChanges,
);
