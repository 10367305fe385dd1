import type { MyBid, MyBidsQuery } from "@arte/contracts/history.js";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { HistoryDb } from "../../db/schema.js";
import { decodeCursor, encodeCursor } from "../../lib/cursor.js";
import { storedImage } from "../projection/projection.domain.js";
import { myBidsRepository as repo } from "./mybids.repository.js";

const Cursor = z.object({ t: z.int().nonnegative(), l: z.uuid() });

/** "My bids": the lots I bid on with my standing, the price, the end and the artwork. */
export function createMyBidsService(deps: { db: Kysely<HistoryDb> }) {
  return {
    async list(userId: string, q: MyBidsQuery): Promise<{ items: MyBid[]; nextCursor: string | null }> {
      const after = q.cursor ? decodeCursor(Cursor, q.cursor) : undefined;
      const rows = await repo.list(deps.db, {
        userId,
        state: q.state,
        limit: q.limit,
        after: after ? { micros: after.t, lotId: after.l } : undefined,
      });
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows.at(-1);
      return {
        items: pageRows.map((r) => ({
          lotId: r.lot_id,
          artworkId: r.artwork_id,
          artwork:
            r.known_artwork === null
              ? null
              : {
                  titleKo: r.title_ko ?? "",
                  titleEn: r.title_en ?? null,
                  artistNameKo: r.artist_name_ko ?? "",
                  artistNameEn: r.artist_name_en ?? "",
                  primaryImage: storedImage(r.primary_image),
                  archived: r.archived ?? false,
                },
          state: r.state,
          alias: r.alias,
          myHighestBid: r.highest_bid,
          myBidCount: r.my_bid_count,
          lastBidAt: r.last_bid_at.toISOString(),
          currentPrice: r.current_price,
          bidCount: r.bid_count,
          endsAt: r.ends_at.toISOString(),
          lotStatus: r.status,
        })),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor({ t: last.last_micros, l: last.lot_id }) : null,
      };
    },
  };
}
export type MyBidsService = ReturnType<typeof createMyBidsService>;
