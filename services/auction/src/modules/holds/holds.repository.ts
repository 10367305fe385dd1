import { randomUUID } from "node:crypto";
import { auction } from "@arte/contracts";
import { type Executor, enqueue } from "@arte/platform";
import { type Selectable, sql, type Transaction } from "kysely";
import type { AuctionDb, BidHoldTable, HoldRowStatus } from "../../db/schema.js";
import { bankHoldKey, holdReference } from "./holds.domain.js";

export type HoldRow = Selectable<BidHoldTable>;
type Db = Executor<AuctionDb>;

/**
 * Records that a hold is about to be asked for, committed before the bank call: whatever happens next
 * (the bank times out, the process dies), the reconciler finds the row and settles the bank's hold.
 */
export async function insertRequestedHold(
  db: Db,
  h: { lotId: string; userId: string; accountId: string; amount: number; clientKey: string },
): Promise<HoldRow> {
  const id = randomUUID();
  const seq = await sql<{ n: number }>`select nextval('bid_hold_seq_seq')::int8 as n`.execute(db);
  const n = seq.rows[0]!.n;
  return db
    .insertInto("bid_hold")
    .values({
      id,
      seq: n,
      lot_id: h.lotId,
      user_id: h.userId,
      account_id: h.accountId,
      amount: h.amount,
      reference: holdReference(h.lotId, h.userId, n),
      bank_key: bankHoldKey(h.userId, h.lotId, h.clientKey, n),
      status: "REQUESTED",
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function lockHold(db: Db, id: string): Promise<HoldRow | undefined> {
  return db.selectFrom("bid_hold").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function findHold(db: Db, id: string): Promise<HoldRow | undefined> {
  return db.selectFrom("bid_hold").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function setHold(
  db: Db,
  id: string,
  patch: { status: HoldRowStatus; bank_hold_id?: string | null; reason?: string | null },
  onlyFrom?: HoldRowStatus[],
): Promise<number> {
  let q = db
    .updateTable("bid_hold")
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where("id", "=", id);
  if (onlyFrom) q = q.where("status", "in", onlyFrom);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The hold that backs a lot's lead (ACTIVE) or its sale (WON), if any. */
export async function activeHoldOfLot(db: Db, lotId: string): Promise<HoldRow | undefined> {
  return db
    .selectFrom("bid_hold")
    .selectAll()
    .where("lot_id", "=", lotId)
    .where("status", "in", ["ACTIVE", "WON"])
    .executeTakeFirst();
}

/**
 * Marks a hold for release and writes the release intent to the outbox, in the caller's transaction;
 * this service's consumer of the intent asks the bank (with a key derived from the hold row).
 */
export async function requestRelease(
  trx: Transaction<AuctionDb>,
  hold: Pick<HoldRow, "id" | "lot_id" | "user_id" | "bank_hold_id">,
  reason: string,
  correlationId?: string,
) {
  await setHold(trx, hold.id, { status: "RELEASING", bank_hold_id: hold.bank_hold_id, reason });
  await enqueue(
    trx,
    auction.HoldReleaseRequestedV1,
    {
      holdId: hold.id,
      lotId: hold.lot_id,
      userId: hold.user_id,
      bankHoldId: hold.bank_hold_id,
      reason,
    },
    { correlationId },
  );
}

/** Holds in a state, older than `olderThanMs`, oldest first. */
export async function staleHolds(db: Db, status: HoldRowStatus, olderThanMs: number, limit: number) {
  return db
    .selectFrom("bid_hold")
    .selectAll()
    .where("status", "=", status)
    .where("updated_at", "<", sql<Date>`now() - ${`${olderThanMs} milliseconds`}::interval`)
    .orderBy("updated_at")
    .limit(limit)
    .execute();
}

/** ACTIVE or WON holds that no longer back their lot's lead or sale. */
export async function orphanedHolds(db: Db, limit: number) {
  return db
    .selectFrom("bid_hold as h")
    .innerJoin("lot as l", "l.id", "h.lot_id")
    .selectAll("h")
    .where((eb) =>
      eb.or([
        eb.and([
          eb("h.status", "=", "ACTIVE"),
          eb.or([
            eb("l.status", "in", ["UNSOLD", "CANCELLED", "SOLD"]),
            eb("l.leader_user_id", "is", null),
            eb("l.leader_user_id", "!=", eb.ref("h.user_id")),
          ]),
        ]),
        eb.and([eb("h.status", "=", "WON"), eb("l.status", "!=", "SOLD")]),
      ]),
    )
    .limit(limit)
    .execute();
}
