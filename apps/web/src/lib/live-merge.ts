/**
 * How the lot page folds the live feed into the lot it holds. Every live message carries the lot's
 * whole public state at a `version`; a message at or below the version held is a duplicate or stale
 * and changes nothing, so arrival order and redelivery after a reconnect do not matter.
 */
import type { LotChange, PublicLot } from "@arte/contracts/auction.js";
import type { LiveLotChange, LiveSnapshot } from "@arte/contracts/live.js";

export type LiveLotMessage = LiveSnapshot | LiveLotChange;

export type LotMerge = {
  lot: PublicLot;
  /** false: the message was not newer than the lot held (nothing changed). */
  applied: boolean;
  /** The open lot's end moved later (a soft close). */
  extended: boolean;
};

/** Whether a message at `version` is news to a holder of `held` (nothing held: anything is). */
export const isNewer = (held: number | undefined, version: number) => held === undefined || version > held;

/** The lot state a live message carries. */
export const changeOf = (msg: LiveLotMessage): LotChange => (msg.type === "snapshot" ? msg.lot : msg);

/**
 * The lot after a live message. The viewer's own standing is kept by alias: the feed names the
 * leader by alias only, and the lot says which alias is the viewer's.
 */
export function mergeLotMessage(lot: PublicLot, msg: LiveLotMessage): LotMerge {
  if (!isNewer(lot.version, msg.version) || msg.lotId !== lot.lotId)
    return { lot, applied: false, extended: false };
  const c = changeOf(msg);
  const mine = lot.you?.alias ?? (lot.leader?.you ? lot.leader.alias : null);
  const youLead = c.leaderAlias !== null && c.leaderAlias === mine;
  const extended =
    lot.status === "OPEN" && c.status === "OPEN" && Date.parse(c.endsAt) > Date.parse(lot.endsAt);
  const next: PublicLot = {
    ...lot,
    status: c.status,
    currentPrice: c.currentPrice,
    nextMinimum: c.nextMinimum,
    bidCount: c.bidCount,
    endsAt: c.endsAt,
    reserveMet: c.reserveMet,
    leader: c.leaderAlias === null ? null : { alias: c.leaderAlias, you: youLead },
    you: lot.you ? { ...lot.you, leading: youLead, yourMaximum: youLead ? lot.you.yourMaximum : null } : null,
    hammerPrice: c.status === "SOLD" ? (lot.hammerPrice ?? c.currentPrice) : lot.hammerPrice,
    version: msg.version,
  };
  return { lot: next, applied: true, extended };
}

/** Whether the lot runs past its scheduled end (soft close extended it). */
export const isExtended = (lot: Pick<PublicLot, "endsAt" | "scheduledEndsAt">) =>
  Date.parse(lot.endsAt) > Date.parse(lot.scheduledEndsAt);
