import { ArtworkUnwatchedV1, ArtworkWatchedV1, CatalogErrors } from "@arte/contracts/catalog.js";
import { enqueue, failWith } from "@arte/platform";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { CatalogDb } from "../../db/schema.js";
import type { ArtworkRow, Views } from "../artworks/artwork.view.js";
import { selectArtworks } from "../artworks/artworks.repository.js";

const fail = failWith(CatalogErrors);

const Cursor = z.tuple([z.number().int().nonnegative(), z.uuid()]);

/**
 * The watchlist: one row per (user, artwork) (primary key), no cap. Watching twice or unwatching
 * something not watched changes nothing and emits nothing; the artwork's watch_count moves in the
 * same transaction as the row, and the event goes through the outbox in it too.
 */
export function createWatchlistService(deps: { db: Kysely<CatalogDb>; views: Views }) {
  const { db } = deps;
  return {
    async watch(userId: string, artworkId: string, correlationId: string) {
      return db.transaction().execute(async (trx) => {
        const art = await trx
          .selectFrom("artwork")
          .select(["id", "archived_at"])
          .where("id", "=", artworkId)
          .forUpdate()
          .executeTakeFirst();
        if (!art || art.archived_at) throw fail("ARTWORK_NOT_FOUND", "No such artwork");
        const inserted = await trx
          .insertInto("watch")
          .values({ user_id: userId, artwork_id: artworkId })
          .onConflict((oc) => oc.columns(["user_id", "artwork_id"]).doNothing())
          .returning("artwork_id")
          .executeTakeFirst();
        let count: number;
        if (inserted) {
          count = (
            await trx
              .updateTable("artwork")
              .set({ watch_count: sql`watch_count + 1` })
              .where("id", "=", artworkId)
              .returning("watch_count")
              .executeTakeFirstOrThrow()
          ).watch_count;
          await enqueue(trx, ArtworkWatchedV1, { artworkId, userId, watchCount: count }, { correlationId });
        } else {
          count = (
            await trx
              .selectFrom("artwork")
              .select("watch_count")
              .where("id", "=", artworkId)
              .executeTakeFirstOrThrow()
          ).watch_count;
        }
        return { artworkId, watching: true, watchCount: count };
      });
    },

    async unwatch(userId: string, artworkId: string, correlationId: string) {
      return db.transaction().execute(async (trx) => {
        const art = await trx
          .selectFrom("artwork")
          .select("id")
          .where("id", "=", artworkId)
          .forUpdate()
          .executeTakeFirst();
        if (!art) throw fail("ARTWORK_NOT_FOUND", "No such artwork");
        const deleted = await trx
          .deleteFrom("watch")
          .where("user_id", "=", userId)
          .where("artwork_id", "=", artworkId)
          .returning("artwork_id")
          .executeTakeFirst();
        let count: number;
        if (deleted) {
          count = (
            await trx
              .updateTable("artwork")
              .set({ watch_count: sql`watch_count - 1` })
              .where("id", "=", artworkId)
              .returning("watch_count")
              .executeTakeFirstOrThrow()
          ).watch_count;
          await enqueue(trx, ArtworkUnwatchedV1, { artworkId, userId, watchCount: count }, { correlationId });
        } else {
          count = (
            await trx
              .selectFrom("artwork")
              .select("watch_count")
              .where("id", "=", artworkId)
              .executeTakeFirstOrThrow()
          ).watch_count;
        }
        return { artworkId, watching: false, watchCount: count };
      });
    },

    /** Mine, most recently watched first; keyset on (watched at in µs, artwork id). Archived ones stay listed. */
    async mine(userId: string, q: { limit: number; cursor?: string }) {
      let after: [number, string] | null = null;
      if (q.cursor) {
        try {
          after = Cursor.parse(JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8")));
        } catch {
          throw fail("CURSOR_INVALID", "The cursor is invalid");
        }
      }
      let query = selectArtworks(db)
        .innerJoin("watch as w", "w.artwork_id", "a.id")
        .select([
          "w.created_at as watched_at",
          sql<number>`(extract(epoch from w.created_at) * 1000000)::int8`.as("watched_us"),
        ])
        .where("w.user_id", "=", userId)
        .orderBy("w.created_at", "desc")
        .orderBy("w.artwork_id", "desc")
        .limit(q.limit + 1);
      if (after) {
        query = query.where(
          sql<boolean>`(w.created_at, w.artwork_id) < (timestamptz 'epoch' + ${after[0]}::int8 * interval '1 microsecond', ${after[1]}::uuid)`,
        );
      }
      const rows = (await query.execute()) as (ArtworkRow & { watched_at: Date; watched_us: number })[];
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows.at(-1);
      return {
        items: pageRows.map((r) => ({ ...deps.views.listItem(r), watchedAt: r.watched_at.toISOString() })),
        nextCursor:
          rows.length > q.limit && last
            ? Buffer.from(JSON.stringify([last.watched_us, last.id])).toString("base64url")
            : null,
      };
    },
  };
}
export type WatchlistService = ReturnType<typeof createWatchlistService>;
