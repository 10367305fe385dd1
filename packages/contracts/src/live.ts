import { z } from "zod";
import { LotChange } from "./auction.js";
import { Won } from "./money.js";

// ---------------------------------------------------------------------------------------------
// The live feed: one WebSocket per browser tab at the gateway (`GET /api/live`, upgraded). JSON text
// frames both ways. Every lot message carries the lot's `version` (the auction service's per-lot
// sequence): a client keeps the last version it applied per lot and, after a reconnect, subscribes
// with `sinceVersion` to get exactly the changes it missed (or a fresh snapshot when too far behind)
// before live ones. The gateway never sends a version twice nor out of order on one socket.
// ---------------------------------------------------------------------------------------------

export const LIVE_PATH = "/api/live";

const Instant = z.iso.datetime({ offset: true });
const LotId = z.uuid();

/** Authenticates the socket (an access token, as for HTTP); anonymous sockets get public data only. */
export const LiveAuth = z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(4096) });
/** Starts watching lots; `sinceVersion` = the last version the client applied (omit for a snapshot). */
export const LiveSubscribe = z.strictObject({
  type: z.literal("subscribe"),
  lots: z
    .array(z.strictObject({ lotId: LotId, sinceVersion: z.int().min(0).optional() }))
    .min(1)
    .max(100),
});
export const LiveUnsubscribe = z.strictObject({
  type: z.literal("unsubscribe"),
  lotIds: z.array(LotId).min(1).max(100),
});
/** Clock sync and liveness: answered by `pong` with the server's time (`id` is echoed). */
export const LivePing = z.strictObject({ type: z.literal("ping"), id: z.string().max(64).optional() });

export const LiveClientMessage = z.discriminatedUnion("type", [
  LiveAuth,
  LiveSubscribe,
  LiveUnsubscribe,
  LivePing,
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

/** Sent once when the socket opens: the server's time and whether a `?token=` authenticated it. */
export const LiveWelcome = z.object({
  type: z.literal("welcome"),
  serverTime: Instant,
  epochMs: z.int(),
  authenticated: z.boolean(),
});
/** The answer to a successful `auth` message. Personal messages flow from now on. */
export const LiveAuthenticated = z.object({ type: z.literal("authenticated"), expiresAt: Instant });
/** The whole public state of a lot at `version`: replace what you hold (sent on subscribe, or to resync). */
export const LiveSnapshot = z.object({
  type: z.literal("snapshot"),
  lotId: LotId,
  version: z.int().min(1),
  lot: LotChange,
});
/** One change of a lot (price, leader alias, bid count, endsAt, status), in version order. */
export const LiveLotChange = LotChange.extend({ type: z.literal("lot"), lotId: LotId });
/** Only to the sockets of the user concerned. */
export const LivePersonal = z.discriminatedUnion("kind", [
  z.object({
    type: z.literal("personal"),
    kind: z.literal("outbid"),
    lotId: LotId,
    version: z.int().min(1),
    currentPrice: Won,
    nextMinimum: Won,
    endsAt: Instant,
  }),
  z.object({
    type: z.literal("personal"),
    kind: z.literal("won"),
    lotId: LotId,
    version: z.int().min(1),
    hammerPrice: Won,
    premium: z.int().min(0).optional(),
  }),
  z.object({
    type: z.literal("personal"),
    kind: z.literal("lost"),
    lotId: LotId,
    version: z.int().min(1),
    /** SOLD: another bidder won; RESERVE_NOT_MET / NO_BIDS: the lot went unsold. */
    reason: z.enum(["SOLD", "RESERVE_NOT_MET", "NO_BIDS"]),
    currentPrice: Won,
  }),
]);
export const LivePong = z.object({
  type: z.literal("pong"),
  id: z.string().optional(),
  serverTime: Instant,
  epochMs: z.int(),
});

/** What an `error` message's `code` (and a close frame's code) means. */
export const LiveErrors = {
  BAD_MESSAGE: "not JSON, or not one of the client messages",
  TOKEN_INVALID: "the token is invalid or its session ended (the socket is closed, 4401)",
  TOKEN_EXPIRED: "the token expired: personal messages stop until a new `auth` (or closed, 4401, on connect)",
  AUTH_UNAVAILABLE: "sign-in cannot be checked right now",
  TOO_MANY_LOTS: "over the lots-per-socket limit: the subscription was refused",
  LOT_NOT_FOUND: "no such lot: not subscribed",
  LOT_UNAVAILABLE: "the lot's state cannot be loaded right now: not subscribed, try again",
  NOT_SUBSCRIBED: "unsubscribe of a lot this socket does not watch",
} as const;
export const LiveErrorCode = z.enum(Object.keys(LiveErrors) as [keyof typeof LiveErrors]);
export const LiveError = z.object({
  type: z.literal("error"),
  code: LiveErrorCode,
  lotId: LotId.optional(),
  message: z.string(),
});

export const LiveServerMessage = z.union([
  LiveWelcome,
  LiveAuthenticated,
  LiveSnapshot,
  LiveLotChange,
  LivePersonal,
  LivePong,
  LiveError,
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;
export type LiveSnapshot = z.infer<typeof LiveSnapshot>;
export type LiveLotChange = z.infer<typeof LiveLotChange>;
export type LivePersonal = z.infer<typeof LivePersonal>;
export type LiveError = z.infer<typeof LiveError>;

/**
 * Close codes of the live socket (4000–4999 are the application's). After 4408, 1012 or 1001 the
 * client reconnects (with backoff) and resubscribes with its last versions; after 4401 it gets a
 * fresh token first; after 4429 it waits longer.
 */
export const LiveCloseCodes = {
  /** The gateway is shutting down or restarting: reconnect (another instance answers). */
  RESTARTING: 1012,
  /** The socket answered no heartbeat. */
  GOING_AWAY: 1001,
  TOKEN_INVALID: 4401,
  /** The client read too slowly: its send buffer went over the limit. */
  SLOW_CONSUMER: 4408,
  /** Too many sockets from this address. */
  TOO_MANY_SOCKETS: 4429,
} as const;
