import { HistoryErrors, type LotBid, type LotBidsQuery } from "@arte/contracts/history.js";
import { failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { HistoryDb } from "../../db/schema.js";
import { decodeCursor, encodeCursor } from "../../lib/cursor.js";
import { bidsRepository as repo } from "./bids.repository.js";

const fail = failWith(HistoryErrors);
const Cursor = z.object({ v: z.int().min(1) });

/** A lot's bid history for anyone: aliases only; the viewer's own bids marked `you`. */
export function createBidsService(deps: { db: Kysely<HistoryDb> }) {
  return {
    async list(
      lotId: string,
      q: LotBidsQuery,
      viewerId: string | null,
    ): Promise<{ items: LotBid[]; nextCursor: string | null }> {
      const before = q.cursor ? decodeCursor(Cursor, q.cursor).v : undefined;
      const [exists, rows] = await Promise.all([
        repo.lotExists(deps.db, lotId),
        repo.list(deps.db, { lotId, limit: q.limit, beforeVersion: before }),
      ]);
      if (!exists) throw fail("LOT_NOT_FOUND", "No such lot");
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows.at(-1);
      return {
        // Built field by field: the user id is compared here and never leaves this function.
        items: pageRows.map((r) => ({
          bidId: r.bid_id,
          alias: r.alias,
          you: viewerId !== null && r.user_id === viewerId,
          amount: r.amount,
          kind: r.kind,
          leading: r.leading_after,
          placedAt: r.placed_at.toISOString(),
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor({ v: last.version }) : null,
      };
    },
  };
}
export type BidsService = ReturnType<typeof createBidsService>;
