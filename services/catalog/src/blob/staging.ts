import type { Executor, Logger } from "@arte/platform";
import { type Kysely, sql } from "kysely";
import type { CatalogDb } from "../db/schema.js";
import type { BlobStore } from "./blob-store.js";

export type BlobFile = { key: string; buffer: Buffer };

/**
 * Nothing orphaned, in either direction:
 *
 * - **upload**: `stage` first records the planned keys in `blob_gc` (committed on its own), then writes
 *   the blobs; the transaction that inserts the rows also deletes those `blob_gc` rows (`claim`).
 *   If the writes or the transaction fail, `discard` deletes the blobs and the records at once; if the
 *   process dies in between, the sweeper finds the records after the grace period and deletes the blobs.
 *   A row therefore never points at a missing blob, and a blob without a row is always recorded.
 * - **delete**: the transaction that deletes a row records its keys in `blob_gc` as due now (`release`);
 *   after the commit they are deleted at once, and by the sweeper if that fails.
 */
export function createBlobStaging(deps: {
  db: Kysely<CatalogDb>;
  blobs: BlobStore;
  log: Logger;
  graceSeconds: number;
}) {
  const { db, blobs, log } = deps;

  async function removeNow(keys: string[]) {
    if (keys.length === 0) return;
    try {
      await Promise.all(keys.map((k) => blobs.delete(k)));
      await db.deleteFrom("blob_gc").where("key", "in", keys).execute();
    } catch (err) {
      log.warn({ err, keys: keys.length }, "blob clean-up failed; the sweeper will retry");
    }
  }

  return {
    async stage(files: BlobFile[]) {
      if (files.length === 0) return;
      await db
        .insertInto("blob_gc")
        .values(
          files.map((f) => ({
            key: f.key,
            not_before: sql<Date>`now() + ${deps.graceSeconds} * interval '1 second'`,
          })),
        )
        .execute();
      try {
        await Promise.all(files.map((f) => blobs.put(f.key, f.buffer, "image/webp")));
      } catch (err) {
        await removeNow(files.map((f) => f.key));
        throw err;
      }
    },
    /** In the transaction that commits the rows pointing at the keys. */
    async claim(trx: Executor<CatalogDb>, keys: string[]) {
      if (keys.length) await trx.deleteFrom("blob_gc").where("key", "in", keys).execute();
    },
    /** After a failed transaction: the staged blobs go. */
    discard: removeNow,
    /** In the transaction that deletes the rows: the keys become due for deletion. */
    async release(trx: Executor<CatalogDb>, keys: string[]) {
      if (keys.length === 0) return;
      await trx
        .insertInto("blob_gc")
        .values(keys.map((key) => ({ key, not_before: sql<Date>`now()` })))
        .onConflict((oc) => oc.column("key").doUpdateSet({ not_before: sql<Date>`now()` }))
        .execute();
    },
    /** After the deleting transaction committed. */
    removeNow,
    /** Deletes every due blob; returns how many. Run periodically by main.ts. */
    async sweep(limit = 500): Promise<number> {
      const due = await db
        .selectFrom("blob_gc")
        .select("key")
        .where("not_before", "<=", sql<Date>`now()`)
        .orderBy("not_before")
        .limit(limit)
        .execute();
      await removeNow(due.map((r) => r.key));
      return due.length;
    },
  };
}
export type BlobStaging = ReturnType<typeof createBlobStaging>;
