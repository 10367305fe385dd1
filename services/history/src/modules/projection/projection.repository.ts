import type { LotSnapshot } from "@arte/contracts/auction.js";
import type { BidKind } from "@arte/contracts/history.js";
import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { BidAttemptTable, HistoryDb } from "../../db/schema.js";

type Db = Executor<HistoryDb>;

/** SQL only: the writes of the projections. Every write is idempotent by a natural key or a version. */
export const projectionRepository = {
  /** Inserts the lot or replaces its snapshot when `version` is newer. True when the snapshot was taken. */
  async upsertLotIfNewer(db: Db, s: LotSnapshot): Promise<boolean> {
    const values = {
      lot_id: s.lotId,
      artwork_id: s.artworkId,
      status: s.status,
      current_price: s.currentPrice,
      bid_count: s.bidCount,
      starts_at: new Date(s.startsAt),
      ends_at: new Date(s.endsAt),
      version: s.version,
    };
    const row = await db
      .insertInto("lot")
      .values(values)
      .onConflict((oc) =>
        oc
          .column("lot_id")
          .doUpdateSet({
            artwork_id: (eb) => eb.ref("excluded.artwork_id"),
            status: (eb) => eb.ref("excluded.status"),
            current_price: (eb) => eb.ref("excluded.current_price"),
            bid_count: (eb) => eb.ref("excluded.bid_count"),
            starts_at: (eb) => eb.ref("excluded.starts_at"),
            ends_at: (eb) => eb.ref("excluded.ends_at"),
            version: (eb) => eb.ref("excluded.version"),
            updated_at: sql<Date>`now()`,
          })
          .where("lot.version", "<", (eb) => eb.ref("excluded.version")),
      )
      .returning("lot_id")
      .executeTakeFirst();
    return row !== undefined;
  },

  /** The lot's row lock: events of one lot handled by different consumers apply one after the other. */
  async lockLot(db: Db, lotId: string) {
    return db.selectFrom("lot").select(["lot_id"]).where("lot_id", "=", lotId).forUpdate().executeTakeFirst();
  },

  /** Makes `userId` the leader unless a leading bid of a later version is already known. */
  async setLeaderIfLater(db: Db, lotId: string, userId: string, version: number) {
    await db
      .updateTable("lot")
      .set({ leader_user_id: userId, leader_version: version })
      .where("lot_id", "=", lotId)
      .where("leader_version", "<", version)
      .execute();
  },

  async setWinner(db: Db, lotId: string, userId: string) {
    await db
      .updateTable("lot")
      .set({ winner_user_id: userId })
      .where("lot_id", "=", lotId)
      .where("winner_user_id", "is", null)
      .execute();
  },

  async findAlias(db: Db, lotId: string, userId: string) {
    const row = await db
      .selectFrom("bidder_alias")
      .select("alias")
      .where("lot_id", "=", lotId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row?.alias;
  },

  /** Gives the alias unless the user has one or another user holds it. True when inserted. */
  async insertAlias(db: Db, lotId: string, userId: string, alias: string): Promise<boolean> {
    const row = await db
      .insertInto("bidder_alias")
      .values({ lot_id: lotId, user_id: userId, alias })
      .onConflict((oc) => oc.doNothing())
      .returning("alias")
      .executeTakeFirst();
    return row !== undefined;
  },

  async aliasesOfLot(db: Db, lotId: string): Promise<string[]> {
    const rows = await db.selectFrom("bidder_alias").select("alias").where("lot_id", "=", lotId).execute();
    return rows.map((r) => r.alias);
  },

  /** True when the bid is new (neither its id nor the lot version it produced is known). */
  async insertBid(
    db: Db,
    b: {
      bidId: string;
      lotId: string;
      version: number;
      userId: string;
      amount: number;
      kind: BidKind;
      leading: boolean;
      placedAt: Date;
      eventId: string;
    },
  ): Promise<boolean> {
    const row = await db
      .insertInto("bid")
      .values({
        bid_id: b.bidId,
        lot_id: b.lotId,
        version: b.version,
        user_id: b.userId,
        amount: b.amount,
        kind: b.kind,
        leading_after: b.leading,
        placed_at: b.placedAt,
        event_id: b.eventId,
      })
      .onConflict((oc) => oc.doNothing())
      .returning("bid_id")
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Counts one more bid of the user on the lot. Call only for a bid that was new. */
  async addToMyLot(db: Db, b: { userId: string; lotId: string; amount: number; at: Date }) {
    await db
      .insertInto("my_lot")
      .values({
        user_id: b.userId,
        lot_id: b.lotId,
        highest_bid: b.amount,
        bid_count: 1,
        first_bid_at: b.at,
        last_bid_at: b.at,
      })
      .onConflict((oc) =>
        oc.columns(["user_id", "lot_id"]).doUpdateSet({
          highest_bid: sql<number>`greatest(my_lot.highest_bid, excluded.highest_bid)`,
          bid_count: sql<number>`my_lot.bid_count + 1`,
          first_bid_at: sql<Date>`least(my_lot.first_bid_at, excluded.first_bid_at)`,
          last_bid_at: sql<Date>`greatest(my_lot.last_bid_at, excluded.last_bid_at)`,
        }),
      )
      .execute();
  },

  async insertAttempt(db: Db, a: BidAttemptTable) {
    await db
      .insertInto("bid_attempt")
      .values(a)
      .onConflict((oc) => oc.doNothing())
      .execute();
  },

  /** Inserts the artwork or replaces it when `version` is newer. True when taken. */
  async upsertArtworkIfNewer(
    db: Db,
    a: {
      artwork_id: string;
      title_ko: string;
      title_en: string | null;
      artist_name_ko: string;
      artist_name_en: string;
      primary_image: unknown | null;
      archived: boolean;
      version: number;
    },
  ): Promise<boolean> {
    const row = await db
      .insertInto("artwork")
      .values({ ...a, primary_image: a.primary_image === null ? null : JSON.stringify(a.primary_image) })
      .onConflict((oc) =>
        oc
          .column("artwork_id")
          .doUpdateSet({
            title_ko: (eb) => eb.ref("excluded.title_ko"),
            title_en: (eb) => eb.ref("excluded.title_en"),
            artist_name_ko: (eb) => eb.ref("excluded.artist_name_ko"),
            artist_name_en: (eb) => eb.ref("excluded.artist_name_en"),
            primary_image: sql`excluded.primary_image`,
            archived: (eb) => eb.ref("excluded.archived"),
            version: (eb) => eb.ref("excluded.version"),
            updated_at: sql<Date>`now()`,
          })
          .where("artwork.version", "<", (eb) => eb.ref("excluded.version")),
      )
      .returning("artwork_id")
      .executeTakeFirst();
    return row !== undefined;
  },
};
