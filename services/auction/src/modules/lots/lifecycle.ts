import { auction } from "@arte/contracts";
import type { Transaction } from "kysely";
import type { AuctionDb } from "../../db/schema.js";
import { closeOutcome } from "../bidding/bidding.domain.js";
import { requestRelease, setHold } from "../holds/holds.repository.js";
import { emitLotEvent, leaderAliasOf } from "./lot-events.js";
import { type LotRow, updateLot } from "./lots.repository.js";
import { bidState } from "./lots.view.js";

/**
 * The lot's transitions, each run on the caller's transaction with the lot row locked. Every event gets
 * its own version, so a transaction that closes and sells a lot emits closed (v+1) then sold (v+2).
 */

/** SCHEDULED → OPEN. */
export async function openLot(trx: Transaction<AuctionDb>, lot: LotRow, at: Date, correlationId?: string) {
  const row = await updateLot(trx, lot.id, { status: "OPEN", version: lot.version + 1 });
  await emitLotEvent(trx, auction.LotOpenedV1, row, { leaderAlias: null, at, correlationId });
  return row;
}

/**
 * OPEN (or a SCHEDULED lot whose whole window passed while the system was down) → CLOSED → SOLD | UNSOLD.
 * SOLD keeps the winner's hold (WON) for payment; UNSOLD releases every hold of the lot.
 */
export async function closeLot(
  trx: Transaction<AuctionDb>,
  lot: LotRow,
  at: Date,
  opts: {
    correlationId?: string | undefined;
    buyNow?: boolean;
    winningHold?: { id: string; bank_hold_id: string | null };
  } = {},
) {
  let row = lot;
  const correlationId = opts.correlationId;
  if (row.status === "SCHEDULED") row = await openLot(trx, row, at, correlationId);
  const leaderAlias = await leaderAliasOf(trx, row);
  row = await updateLot(trx, row.id, { status: "CLOSED", version: row.version + 1, closed_at: at });
  await emitLotEvent(trx, auction.LotClosedV1, row, { leaderAlias, at, correlationId });

  const outcome = closeOutcome(bidState(row), row.premium_bps);
  const holds = await trx
    .selectFrom("bid_hold")
    .selectAll()
    .where("lot_id", "=", row.id)
    .where("status", "in", ["ACTIVE", "WON"])
    .forUpdate()
    .execute();
  if (outcome.status === "SOLD") {
    const winning =
      opts.winningHold ?? holds.find((h) => h.user_id === outcome.winnerUserId && h.status !== "RELEASING");
    for (const h of holds) {
      if (h.id === winning?.id) await setHold(trx, h.id, { status: "WON", reason: "lot sold" });
      else await requestRelease(trx, h, "lot sold to another bidder", correlationId);
    }
    row = await updateLot(trx, row.id, {
      status: "SOLD",
      version: row.version + 1,
      hammer_price: outcome.hammerPrice,
      premium: outcome.premium,
      outcome_reason: opts.buyNow ? "BUY_NOW" : "HAMMER",
    });
    await emitLotEvent(trx, auction.LotSoldV1, row, {
      leaderAlias,
      at,
      correlationId,
      extra: {
        winnerUserId: outcome.winnerUserId,
        hammerPrice: outcome.hammerPrice,
        premium: outcome.premium,
        premiumBps: row.premium_bps,
        sellerAccountId: row.seller_account_id,
        sellerUserId: row.seller_user_id,
        ...(winning?.bank_hold_id ? { bankHoldId: winning.bank_hold_id } : {}),
        buyNow: opts.buyNow === true,
      },
    });
  } else {
    for (const h of holds) await requestRelease(trx, h, `lot unsold (${outcome.reason})`, correlationId);
    row = await updateLot(trx, row.id, {
      status: "UNSOLD",
      version: row.version + 1,
      outcome_reason: outcome.reason,
    });
    await emitLotEvent(trx, auction.LotUnsoldV1, row, {
      leaderAlias,
      at,
      correlationId,
      extra: { reason: outcome.reason },
    });
  }
  return row;
}
