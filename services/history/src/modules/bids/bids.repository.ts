import type { Executor } from "@arte/platform";
import type { HistoryDb } from "../../db/schema.js";

/** SQL only: a lot's accepted bids, newest first, keyset-paginated on the lot version each produced. */
export const bidsRepository = {
  async lotExists(db: Executor<HistoryDb>, lotId: string) {
    const row = await db.selectFrom("lot").select("lot_id").where("lot_id", "=", lotId).executeTakeFirst();
    return row !== undefined;
  },

  async list(db: Executor<HistoryDb>, q: { lotId: string; limit: number; beforeVersion?: number }) {
    let query = db
      .selectFrom("bid")
      .innerJoin("bidder_alias", (j) =>
        j.onRef("bidder_alias.lot_id", "=", "bid.lot_id").onRef("bidder_alias.user_id", "=", "bid.user_id"),
      )
      .select([
        "bid.bid_id",
        "bid.version",
        "bid.user_id",
        "bid.amount",
        "bid.kind",
        "bid.leading_after",
        "bid.placed_at",
        "bidder_alias.alias",
      ])
      .where("bid.lot_id", "=", q.lotId)
      .orderBy("bid.version", "desc")
      .limit(q.limit + 1);
    if (q.beforeVersion !== undefined) query = query.where("bid.version", "<", q.beforeVersion);
    return query.execute();
  },
};
