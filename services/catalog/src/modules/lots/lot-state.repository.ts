import type { LotSnapshot } from "@arte/contracts/auction.js";
import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import { type CatalogDb, MAX_ENDING_KEY } from "../../db/schema.js";

export const lotStateRepository = {
  /**
   * Stores the snapshot when it is newer than the one held (or the first). False when it is older or
   * the same version: an out-of-order or replayed event changes nothing.
   */
  async upsertIfNewer(db: Executor<CatalogDb>, s: LotSnapshot): Promise<boolean> {
    const row = await db
      .insertInto("lot_state")
      .values({
        lot_id: s.lotId,
        artwork_id: s.artworkId,
        status: s.status,
        current_price: s.currentPrice,
        bid_count: s.bidCount,
        starts_at: new Date(s.startsAt),
        ends_at: new Date(s.endsAt),
        version: s.version,
      })
      .onConflict((oc) =>
        oc
          .column("lot_id")
          .doUpdateSet((eb) => ({
            artwork_id: eb.ref("excluded.artwork_id"),
            status: eb.ref("excluded.status"),
            current_price: eb.ref("excluded.current_price"),
            bid_count: eb.ref("excluded.bid_count"),
            starts_at: eb.ref("excluded.starts_at"),
            ends_at: eb.ref("excluded.ends_at"),
            version: eb.ref("excluded.version"),
            updated_at: sql`now()`,
          }))
          .where("lot_state.version", "<", (eb) => eb.ref("excluded.version")),
      )
      .returning("lot_id")
      .executeTakeFirst();
    return row !== undefined;
  },

  /**
   * Copies the artwork's current lot onto its row (what listings filter and sort on). The current lot:
   * an open one, else a scheduled one, else the latest that ended, by start time.
   */
  async refreshArtwork(db: Executor<CatalogDb>, artworkId: string) {
    await sql`
      update artwork a set
        lot_id = l.lot_id,
        auction_status = coalesce(l.status, 'NONE'),
        current_price = l.current_price,
        bid_count = coalesce(l.bid_count, 0),
        starts_at = l.starts_at,
        ends_at = l.ends_at,
        ending_key = case when l.status in ('SCHEDULED', 'OPEN')
                          then (extract(epoch from l.ends_at) * 1000)::int8
                          else ${MAX_ENDING_KEY}::int8 end
      from (select 1) one
      left join lateral (
        select * from lot_state s
         where s.artwork_id = ${artworkId}
         order by case s.status when 'OPEN' then 0 when 'SCHEDULED' then 1 else 2 end, s.starts_at desc, s.lot_id
         limit 1
      ) l on true
      where a.id = ${artworkId}`.execute(db);
  },
};
