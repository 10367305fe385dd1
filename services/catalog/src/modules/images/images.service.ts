import { randomUUID } from "node:crypto";
import { CatalogErrors, type ImageView } from "@arte/contracts/catalog.js";
import { type Executor, failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import type { BlobStaging } from "../../blob/staging.js";
import type { CatalogDb, StoredImage } from "../../db/schema.js";
import type { Views } from "../artworks/artwork.view.js";
import { artworksRepository } from "../artworks/artworks.repository.js";
import { planVariants, processImage, variantKeys } from "./image-processor.js";

const fail = failWith(CatalogErrors);

export function createImagesService(deps: {
  db: Kysely<CatalogDb>;
  views: Views;
  staging: BlobStaging;
  maxImages: number;
  maxImageBytes: number;
}) {
  const { db, views, staging } = deps;

  async function current(ex: Executor<CatalogDb>, artworkId: string): Promise<{ images: ImageView[] }> {
    return { images: (await artworksRepository.images(ex, artworkId)).map(views.image) };
  }

  /** Locks the artwork (every image change of one artwork is serialised on its row). */
  async function lockArtwork(trx: Executor<CatalogDb>, artworkId: string) {
    const a = await artworksRepository.lockForUpdate(trx, artworkId);
    if (!a) throw fail("ARTWORK_NOT_FOUND", "No such artwork");
    if (a.archived_at) throw fail("ARTWORK_ARCHIVED", "An archived artwork cannot be changed");
    return a;
  }

  /** Keeps positions 0..n-1 in the given order, and exactly one primary when there are images. */
  async function renumber(
    trx: Executor<CatalogDb>,
    artworkId: string,
    orderedIds: string[],
    primaryId?: string,
  ) {
    for (const [i, id] of orderedIds.entries()) {
      await trx.updateTable("artwork_image").set({ position: i }).where("id", "=", id).execute();
    }
    if (orderedIds.length === 0) return;
    const primary =
      primaryId ??
      (
        await trx
          .selectFrom("artwork_image")
          .select("id")
          .where("artwork_id", "=", artworkId)
          .where("is_primary", "=", true)
          .executeTakeFirst()
      )?.id ??
      orderedIds[0]!;
    await trx
      .updateTable("artwork_image")
      .set({ is_primary: false })
      .where("artwork_id", "=", artworkId)
      .where("id", "!=", primary)
      .execute();
    await trx.updateTable("artwork_image").set({ is_primary: true }).where("id", "=", primary).execute();
  }

  return {
    /**
     * Adds images. Every file is checked and converted before anything is written; then the blobs are
     * staged, and the rows inserted in one transaction that re-checks the count under the artwork's lock.
     */
    async upload(artworkId: string, files: Buffer[]): Promise<{ images: ImageView[] }> {
      if (files.length === 0) throw fail("NO_FILES", "Send at least one image file");
      const pre = await db
        .selectFrom("artwork")
        .select((eb) =>
          eb
            .selectFrom("artwork_image")
            .select(eb.fn.countAll<number>().as("n"))
            .whereRef("artwork_id", "=", "artwork.id")
            .as("n"),
        )
        .select("archived_at")
        .where("id", "=", artworkId)
        .executeTakeFirst();
      if (!pre) throw fail("ARTWORK_NOT_FOUND", "No such artwork");
      if (pre.archived_at) throw fail("ARTWORK_ARCHIVED", "An archived artwork cannot be changed");
      if (Number(pre.n) + files.length > deps.maxImages)
        throw fail("TOO_MANY_IMAGES", `An artwork has at most ${deps.maxImages} images`, {
          current: Number(pre.n),
        });

      const planned: { stored: StoredImage; files: { key: string; buffer: Buffer }[] }[] = [];
      for (const [i, f] of files.entries()) {
        try {
          planned.push(planVariants(await processImage(f, deps.maxImageBytes)));
        } catch (err) {
          if (
            err instanceof Error &&
            "details" in err &&
            (err as { details?: unknown }).details === undefined
          ) {
            (err as { details?: unknown }).details = { file: i };
          }
          throw err;
        }
      }
      const blobFiles = planned.flatMap((p) => p.files);
      const keys = blobFiles.map((f) => f.key);
      await staging.stage(blobFiles);
      try {
        return await db.transaction().execute(async (trx) => {
          await lockArtwork(trx, artworkId);
          const existing = await artworksRepository.images(trx, artworkId);
          if (existing.length + planned.length > deps.maxImages)
            throw fail("TOO_MANY_IMAGES", `An artwork has at most ${deps.maxImages} images`, {
              current: existing.length,
            });
          const hasPrimary = existing.some((e) => e.is_primary);
          await trx
            .insertInto("artwork_image")
            .values(
              planned.map((p, i) => ({
                id: randomUUID(),
                artwork_id: artworkId,
                position: existing.length + i,
                is_primary: !hasPrimary && i === 0,
                width: p.stored.width,
                height: p.stored.height,
                placeholder: p.stored.placeholder,
                variants: JSON.stringify(p.stored.variants) as never,
              })),
            )
            .execute();
          await staging.claim(trx, keys);
          return current(trx, artworkId);
        });
      } catch (err) {
        await staging.discard(keys);
        throw err;
      }
    },

    async reorder(artworkId: string, imageIds: string[]) {
      return db.transaction().execute(async (trx) => {
        await lockArtwork(trx, artworkId);
        const existing = await artworksRepository.images(trx, artworkId);
        const ids = new Set(existing.map((e) => e.id));
        if (imageIds.length !== ids.size || !imageIds.every((id) => ids.has(id)))
          throw fail("IMAGE_ORDER_MISMATCH", "List every image of the artwork exactly once", {
            imageIds: existing.map((e) => e.id),
          });
        await renumber(trx, artworkId, imageIds);
        return current(trx, artworkId);
      });
    },

    async setPrimary(artworkId: string, imageId: string) {
      return db.transaction().execute(async (trx) => {
        await lockArtwork(trx, artworkId);
        const existing = await artworksRepository.images(trx, artworkId);
        if (!existing.some((e) => e.id === imageId))
          throw fail("IMAGE_NOT_FOUND", "No such image of this artwork");
        await renumber(
          trx,
          artworkId,
          existing.map((e) => e.id),
          imageId,
        );
        return current(trx, artworkId);
      });
    },

    async remove(artworkId: string, imageId: string) {
      let keys: string[] = [];
      const result = await db.transaction().execute(async (trx) => {
        await lockArtwork(trx, artworkId);
        const existing = await artworksRepository.images(trx, artworkId);
        const img = existing.find((e) => e.id === imageId);
        if (!img) throw fail("IMAGE_NOT_FOUND", "No such image of this artwork");
        keys = variantKeys(img);
        await trx.deleteFrom("artwork_image").where("id", "=", imageId).execute();
        await staging.release(trx, keys);
        const rest = existing.filter((e) => e.id !== imageId);
        await renumber(
          trx,
          artworkId,
          rest.map((e) => e.id),
          img.is_primary ? rest[0]?.id : undefined,
        );
        return current(trx, artworkId);
      });
      await staging.removeNow(keys);
      return result;
    },
  };
}
export type ImagesService = ReturnType<typeof createImagesService>;
