import { randomUUID } from "node:crypto";
import {
  type Artist,
  type ArtworkListItem,
  CatalogErrors,
  type CreateArtistBody,
  type UpdateArtistBody,
} from "@arte/contracts/catalog.js";
import { type Executor, failWith } from "@arte/platform";
import { type Kysely, sql } from "kysely";
import type { BlobStaging } from "../../blob/staging.js";
import type { CatalogDb } from "../../db/schema.js";
import type { ArtworkRow, Views } from "../artworks/artwork.view.js";
import { selectArtworks } from "../artworks/artworks.repository.js";
import { planVariants, processImage, variantKeys } from "../images/image-processor.js";

const fail = failWith(CatalogErrors);

export function createArtistsService(deps: {
  db: Kysely<CatalogDb>;
  views: Views;
  staging: BlobStaging;
  maxImageBytes: number;
}) {
  const { db, views, staging } = deps;

  async function load(ex: Executor<CatalogDb>, id: string): Promise<Artist> {
    const row = await ex
      .selectFrom("artist")
      .selectAll()
      .select((eb) =>
        eb
          .selectFrom("artwork")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("artwork.artist_id", "=", "artist.id")
          .where("artwork.archived_at", "is", null)
          .as("artwork_count"),
      )
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw fail("ARTIST_NOT_FOUND", "No such artist");
    return views.artist(row, row.artwork_count ?? 0);
  }

  return {
    get: (id: string) => load(db, id),

    async list(): Promise<{ items: Artist[] }> {
      const rows = await db
        .selectFrom("artist")
        .selectAll()
        .select((eb) =>
          eb
            .selectFrom("artwork")
            .select(sql<number>`count(*)::int`.as("n"))
            .whereRef("artwork.artist_id", "=", "artist.id")
            .where("artwork.archived_at", "is", null)
            .as("artwork_count"),
        )
        .orderBy("name_ko")
        .orderBy("id")
        .limit(1000)
        .execute();
      return { items: rows.map((r) => views.artist(r, r.artwork_count ?? 0)) };
    },

    /** The artist page: the artist and their artworks (not archived), newest first. */
    async page(id: string): Promise<{ artist: Artist; artworks: ArtworkListItem[] }> {
      const artist = await load(db, id);
      const rows = (await selectArtworks(db)
        .where("a.artist_id", "=", id)
        .where("a.archived_at", "is", null)
        .orderBy("a.seq", "desc")
        .limit(200)
        .execute()) as ArtworkRow[];
      return { artist, artworks: rows.map(views.listItem) };
    },

    async create(body: CreateArtistBody): Promise<Artist> {
      const id = randomUUID();
      await db
        .insertInto("artist")
        .values({
          id,
          name_ko: body.nameKo,
          name_en: body.nameEn,
          birth_year: body.birthYear ?? null,
          country: body.country,
          biography: body.biography ?? null,
          portrait: null,
        })
        .execute();
      return load(db, id);
    },

    async update(id: string, body: UpdateArtistBody): Promise<Artist> {
      await db.transaction().execute(async (trx) => {
        const cur = await trx
          .selectFrom("artist")
          .selectAll()
          .where("id", "=", id)
          .forUpdate()
          .executeTakeFirst();
        if (!cur) throw fail("ARTIST_NOT_FOUND", "No such artist");
        if (cur.version !== body.version)
          throw fail("VERSION_CONFLICT", "The artist changed since you read them; reload and try again", {
            currentVersion: cur.version,
          });
        const nameKo = body.nameKo ?? cur.name_ko;
        const nameEn = body.nameEn ?? cur.name_en;
        await trx
          .updateTable("artist")
          .set({
            name_ko: nameKo,
            name_en: nameEn,
            ...(body.birthYear !== undefined ? { birth_year: body.birthYear } : {}),
            ...(body.country ? { country: body.country } : {}),
            ...(body.biography !== undefined ? { biography: body.biography } : {}),
            version: sql`version + 1`,
            updated_at: sql`now()`,
          })
          .where("id", "=", id)
          .execute();
        if (nameKo !== cur.name_ko || nameEn !== cur.name_en) {
          // The artist's names are part of their artworks' search text.
          await trx
            .updateTable("artwork")
            .set({
              search_text: sql`lower(concat_ws(' \n ', title_ko, coalesce(title_en, ''), ${nameKo}::text, ${nameEn}::text, description))`,
            })
            .where("artist_id", "=", id)
            .execute();
        }
      });
      return load(db, id);
    },

    /** Replaces the portrait: new files first, the row in a transaction, the old files after it. */
    async setPortrait(id: string, file: Buffer): Promise<Artist> {
      const exists = await db.selectFrom("artist").select("id").where("id", "=", id).executeTakeFirst();
      if (!exists) throw fail("ARTIST_NOT_FOUND", "No such artist");
      const planned = planVariants(await processImage(file, deps.maxImageBytes));
      await staging.stage(planned.files);
      const newKeys = planned.files.map((f) => f.key);
      let oldKeys: string[] = [];
      try {
        await db.transaction().execute(async (trx) => {
          const cur = await trx
            .selectFrom("artist")
            .select(["portrait"])
            .where("id", "=", id)
            .forUpdate()
            .executeTakeFirst();
          if (!cur) throw fail("ARTIST_NOT_FOUND", "No such artist");
          oldKeys = cur.portrait ? variantKeys(cur.portrait) : [];
          await trx
            .updateTable("artist")
            .set({
              portrait: JSON.stringify(planned.stored) as never,
              version: sql`version + 1`,
              updated_at: sql`now()`,
            })
            .where("id", "=", id)
            .execute();
          await staging.claim(trx, newKeys);
          await staging.release(trx, oldKeys);
        });
      } catch (err) {
        await staging.discard(newKeys);
        throw err;
      }
      await staging.removeNow(oldKeys);
      return load(db, id);
    },
  };
}
export type ArtistsService = ReturnType<typeof createArtistsService>;
