import type { auction, EventSchema } from "@arte/contracts";
import { enqueue } from "@arte/platform";
import type { Transaction } from "kysely";
import type { z } from "zod";
import type { AuctionDb } from "../../db/schema.js";
import { aliasName } from "../bidding/bidding.domain.js";
import { findAlias, insertChange, type LotRow } from "./lots.repository.js";
import { changeOf, snapshot } from "./lots.view.js";

/** Kinds of the change feed, by event. */
const KIND: Record<string, string> = {
  "auction.lot.scheduled.v1": "SCHEDULED",
  "auction.lot.opened.v1": "OPENED",
  "auction.lot.closed.v1": "CLOSED",
  "auction.lot.sold.v1": "SOLD",
  "auction.lot.unsold.v1": "UNSOLD",
  "auction.lot.cancelled.v1": "CANCELLED",
  "auction.bid.placed.v1": "BID",
};

/** The leader's public alias ("Bidder 3"), or null without a leader. */
export async function leaderAliasOf(
  trx: Transaction<AuctionDb> | import("kysely").Kysely<AuctionDb>,
  row: LotRow,
) {
  if (!row.leader_user_id) return null;
  const n = await findAlias(trx, row.id, row.leader_user_id);
  return n === undefined ? null : aliasName(n);
}

/**
 * Announces one change of a lot, in the transaction of the change: the event (outbox) and the change
 * feed row. `row` is the lot as it stands after this change, with the version of this change: each
 * event of a lot has its own version, so consumers order them by it.
 */
export async function emitLotEvent<S extends EventSchema>(
  trx: Transaction<AuctionDb>,
  schema: S,
  row: LotRow,
  opts: {
    leaderAlias: string | null;
    at: Date;
    extra?: Record<string, unknown>;
    correlationId?: string | undefined;
  },
) {
  const type = schema.shape.type.value;
  const data = { ...snapshot(row, opts.leaderAlias), ...(opts.extra ?? {}) } as z.input<S["shape"]["data"]>;
  await enqueue(trx, schema, data, { correlationId: opts.correlationId });
  await insertChange(trx, {
    lot_id: row.id,
    version: row.version,
    kind: KIND[type] ?? type,
    payload: changeOf(row, KIND[type] ?? type, opts.leaderAlias, opts.at),
  });
}

export type LotEventSchema = (typeof auction.lotEvents)[number];
