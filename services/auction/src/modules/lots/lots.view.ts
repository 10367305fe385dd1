import type { auction } from "@arte/contracts";
import type { z } from "zod";
import {
  aliasName,
  type BidState,
  type IncrementTier,
  nextMinimum,
  reserveMet,
} from "../bidding/bidding.domain.js";
import type { LotRow } from "./lots.repository.js";

/** The rules' view of a lot row. */
export function bidState(row: LotRow): BidState {
  return {
    startPrice: row.start_price,
    price: row.current_price,
    leader:
      row.leader_user_id && row.leader_max !== null
        ? { userId: row.leader_user_id, max: row.leader_max }
        : null,
    reserve: row.reserve_price,
    buyNow: row.buy_now_price,
    increments: row.increments as IncrementTier[],
  };
}

export const isReserveMet = (row: LotRow) =>
  reserveMet(row.current_price, row.leader_user_id !== null, row.reserve_price);

const iso = (d: Date) => d.toISOString();

/** The snapshot every lot event carries (no user ids). */
export function snapshot(row: LotRow, leaderAlias: string | null): z.input<typeof auction.LotSnapshot> {
  return {
    lotId: row.id,
    artworkId: row.artwork_id,
    status: row.status,
    currentPrice: row.current_price,
    bidCount: row.bid_count,
    startsAt: iso(row.starts_at),
    endsAt: iso(row.ends_at),
    version: row.version,
    reserveMet: isReserveMet(row),
    leaderAlias,
    nextMinimum: nextMinimum(bidState(row)),
  };
}

/** One entry of the lot's change feed. */
export function changeOf(row: LotRow, kind: string, leaderAlias: string | null, at: Date): auction.LotChange {
  return {
    version: row.version,
    kind,
    at: iso(at),
    status: row.status,
    currentPrice: row.current_price,
    nextMinimum: nextMinimum(bidState(row)),
    bidCount: row.bid_count,
    endsAt: iso(row.ends_at),
    reserveMet: isReserveMet(row),
    leaderAlias,
  };
}

export type Viewer = { userId: string; alias: number | undefined; bidCount: number } | null;

export function toPublicLot(
  row: LotRow,
  opts: { leaderAlias: string | null; viewer: Viewer; now: Date },
): auction.PublicLot {
  const viewerLeads = opts.viewer !== null && row.leader_user_id === opts.viewer.userId;
  return {
    lotId: row.id,
    artworkId: row.artwork_id,
    status: row.status,
    startPrice: row.start_price,
    currentPrice: row.current_price,
    nextMinimum: nextMinimum(bidState(row)),
    bidCount: row.bid_count,
    hasReserve: row.reserve_price !== null,
    reserveMet: isReserveMet(row),
    buyNowPrice: row.buy_now_price,
    premiumBps: row.premium_bps,
    softCloseSeconds: row.soft_close_seconds,
    increments: row.increments as IncrementTier[],
    startsAt: iso(row.starts_at),
    endsAt: iso(row.ends_at),
    scheduledEndsAt: iso(row.scheduled_ends_at),
    leader: opts.leaderAlias ? { alias: opts.leaderAlias, you: viewerLeads } : null,
    you:
      opts.viewer && opts.viewer.alias !== undefined
        ? {
            alias: aliasName(opts.viewer.alias),
            leading: viewerLeads,
            yourMaximum: viewerLeads ? row.leader_max : null,
            bidCount: opts.viewer.bidCount,
          }
        : null,
    hammerPrice: row.hammer_price,
    version: row.version,
    serverTime: iso(opts.now),
  };
}

export function toAdminLot(
  row: LotRow,
  opts: { leaderAlias: string | null; now: Date },
): z.input<typeof auction.AdminLot> {
  return {
    ...toPublicLot(row, { ...opts, viewer: null }),
    reservePrice: row.reserve_price,
    sellerAccountId: row.seller_account_id,
    sellerUserId: row.seller_user_id,
    leaderUserId: row.leader_user_id,
    leaderMax: row.leader_max,
    premium: row.premium,
    outcomeReason: row.outcome_reason,
    cancelReason: row.cancel_reason,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
