import type { Executor } from "@arte/platform";
import { type Insertable, type Selectable, sql, type Updateable } from "kysely";
import type { AuctionDb, LotStatus, LotTable } from "../../db/schema.js";

export type LotRow = Selectable<LotTable>;
type Db = Executor<AuctionDb>;

export async function insertLot(db: Db, row: Insertable<LotTable>): Promise<LotRow> {
  return db.insertInto("lot").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findLot(db: Db, id: string): Promise<LotRow | undefined> {
  return db.selectFrom("lot").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Takes the lot's row lock: every change of one lot is serialised by it. */
export async function lockLot(db: Db, id: string): Promise<LotRow | undefined> {
  return db.selectFrom("lot").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/** The database's clock now (not the transaction's start): the only time bids are judged by. */
export async function dbNow(db: Db): Promise<Date> {
  const r = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
  return r.rows[0]!.now;
}

export async function updateLot(db: Db, id: string, patch: Updateable<LotTable>): Promise<LotRow> {
  return db
    .updateTable("lot")
    .set({ ...patch, updated_at: sql<Date>`clock_timestamp()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type LotCursor = { startsAt: string; id: string };

export async function listLots(
  db: Db,
  opts: { status?: LotStatus | undefined; limit: number; after?: LotCursor | undefined },
): Promise<LotRow[]> {
  let q = db.selectFrom("lot").selectAll();
  if (opts.status) q = q.where("status", "=", opts.status);
  if (opts.after) {
    const after = opts.after;
    q = q.where((eb) =>
      eb.or([
        eb("starts_at", ">", new Date(after.startsAt)),
        eb.and([eb("starts_at", "=", new Date(after.startsAt)), eb("id", ">", after.id)]),
      ]),
    );
  }
  return q.orderBy("starts_at").orderBy("id").limit(opts.limit).execute();
}

export async function insertChange(
  db: Db,
  row: { lot_id: string; version: number; kind: string; payload: unknown },
) {
  await db
    .insertInto("lot_change")
    .values({ ...row, payload: JSON.stringify(row.payload) })
    .execute();
}

export async function listChanges(db: Db, lotId: string, sinceVersion: number, limit: number) {
  return db
    .selectFrom("lot_change")
    .selectAll()
    .where("lot_id", "=", lotId)
    .where("version", ">", sinceVersion)
    .orderBy("version")
    .limit(limit)
    .execute();
}

/** A bidder's per-lot alias number, if they have one. */
export async function findAlias(db: Db, lotId: string, userId: string): Promise<number | undefined> {
  const r = await db
    .selectFrom("lot_bidder")
    .select("alias")
    .where("lot_id", "=", lotId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return r?.alias;
}

export async function insertAlias(db: Db, lotId: string, userId: string, alias: number) {
  await db.insertInto("lot_bidder").values({ lot_id: lotId, user_id: userId, alias }).execute();
}

/** The caller's standing on a lot: how many accepted bids. */
export async function countBidsOf(db: Db, lotId: string, userId: string): Promise<number> {
  const r = await db
    .selectFrom("bid")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("lot_id", "=", lotId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
