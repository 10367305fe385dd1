import type { MyBidState } from "@arte/contracts/history.js";
import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { HistoryDb } from "../../db/schema.js";

export type MyBidsCursor = { micros: number; lotId: string };

/** The same rule as `myState` in mybids.domain.ts, in SQL (so the state can be filtered and paged). */
const STATE = sql<MyBidState>`case
  when lot.status = 'SOLD' then
    case when coalesce(lot.winner_user_id, lot.leader_user_id) = my_lot.user_id then 'WON' else 'LOST' end
  when lot.status in ('UNSOLD', 'CANCELLED') then 'LOST'
  when lot.leader_user_id = my_lot.user_id then 'LEADING'
  else 'OUTBID'
end`;

/** SQL only: one row per lot the user bid on, most recent bid first, keyset-paginated. */
export const myBidsRepository = {
  async list(
    db: Executor<HistoryDb>,
    q: { userId: string; state?: MyBidState; limit: number; after?: MyBidsCursor },
  ) {
    let query = db
      .selectFrom("my_lot")
      .innerJoin("lot", "lot.lot_id", "my_lot.lot_id")
      .innerJoin("bidder_alias", (j) =>
        j
          .onRef("bidder_alias.lot_id", "=", "my_lot.lot_id")
          .onRef("bidder_alias.user_id", "=", "my_lot.user_id"),
      )
      .leftJoin("artwork", "artwork.artwork_id", "lot.artwork_id")
      .select([
        "my_lot.lot_id",
        "my_lot.highest_bid",
        "my_lot.bid_count as my_bid_count",
        "my_lot.last_bid_at",
        "lot.artwork_id",
        "lot.status",
        "lot.current_price",
        "lot.bid_count",
        "lot.ends_at",
        "bidder_alias.alias",
        "artwork.artwork_id as known_artwork",
        "artwork.title_ko",
        "artwork.title_en",
        "artwork.artist_name_ko",
        "artwork.artist_name_en",
        "artwork.primary_image",
        "artwork.archived",
      ])
      .select(STATE.as("state"))
      // Microseconds since the epoch: the cursor keeps the column's full precision (a Date would not).
      .select(sql<number>`(extract(epoch from my_lot.last_bid_at) * 1000000)::int8`.as("last_micros"))
      .where("my_lot.user_id", "=", q.userId)
      .orderBy("my_lot.last_bid_at", "desc")
      .orderBy("my_lot.lot_id", "desc")
      .limit(q.limit + 1);
    if (q.state) query = query.where(STATE, "=", q.state);
    if (q.after) {
      const { micros, lotId } = q.after;
      query = query.where(
        sql<boolean>`(my_lot.last_bid_at, my_lot.lot_id) < (timestamptz 'epoch' + ${micros}::int8 * interval '1 microsecond', ${lotId}::uuid)`,
      );
    }
    return query.execute();
  },
};
