import { randomUUID } from "node:crypto";
import {
  type Artwork,
  ArtworkArchivedV1,
  ArtworkCreatedV1,
  ArtworkUpdatedV1,
  CatalogErrors,
  type CreateArtworkBody,
  taxonomyIssues,
  type UpdateArtworkBody,
} from "@arte/contracts/catalog.js";
import { fail as commonFail, type Executor, enqueue, failWith } from "@arte/platform";
import type { Kysely, Updateable } from "kysely";
import type { ArtworkTable, CatalogDb } from "../../db/schema.js";
import { uniqueViolation } from "../../lib/pg-errors.js";
import type { ArtworkRow, Views } from "./artwork.view.js";
import { artworksRepository as repo, searchText, titleKey } from "./artworks.repository.js";

const fail = failWith(CatalogErrors);
const mm = (cm: number) => Math.round(cm * 10);

export function createArtworksService(deps: { db: Kysely<CatalogDb>; views: Views }) {
  const { db, views } = deps;

  async function load(
    ex: Executor<CatalogDb>,
    id: string,
    opts: { archived: boolean; userId?: string },
  ): Promise<Artwork> {
    const row = await repo.get(ex, id);
    if (!row || (!opts.archived && row.archived_at)) throw fail("ARTWORK_NOT_FOUND", "No such artwork");
    const images = (await repo.images(ex, id)).map(views.image);
    const watching = opts.userId ? await repo.isWatching(ex, opts.userId, id) : null;
    return views.artwork(row, images, watching);
  }

  const snapshot = (r: ArtworkRow) => ({
    artworkId: r.id,
    artistId: r.artist_id,
    artistNameKo: r.artist_name_ko,
    artistNameEn: r.artist_name_en,
    titleKo: r.title_ko,
    titleEn: r.title_en,
    estimateLow: r.estimate_low,
    estimateHigh: r.estimate_high,
    version: r.version,
  });

  async function artistOf(ex: Executor<CatalogDb>, artistId: string) {
    const a = await ex
      .selectFrom("artist")
      .select(["id", "name_ko", "name_en"])
      .where("id", "=", artistId)
      .executeTakeFirst();
    if (!a) throw fail("ARTIST_NOT_FOUND", "No such artist");
    return a;
  }

  return {
    get: (id: string, userId?: string) => load(db, id, { archived: false, userId }),
    adminGet: (id: string) => load(db, id, { archived: true }),

    async adminList(q: { archived?: "true" | "false"; limit: number; cursor?: string }) {
      let beforeSeq: number | undefined;
      if (q.cursor) {
        beforeSeq = Number(Buffer.from(q.cursor, "base64url").toString("utf8"));
        if (!Number.isSafeInteger(beforeSeq) || beforeSeq < 1)
          throw fail("CURSOR_INVALID", "The cursor is invalid");
      }
      const rows = await repo.adminList(db, {
        archived: q.archived === undefined ? undefined : q.archived === "true",
        limit: q.limit,
        beforeSeq,
      });
      const pageRows = rows.slice(0, q.limit);
      const items: Artwork[] = [];
      for (const r of pageRows)
        items.push(views.artwork(r, (await repo.images(db, r.id)).map(views.image), null));
      const last = pageRows.at(-1);
      return {
        items,
        nextCursor:
          rows.length > q.limit && last ? Buffer.from(String(last.seq)).toString("base64url") : null,
      };
    },

    async create(body: CreateArtworkBody, correlationId: string): Promise<Artwork> {
      const id = randomUUID();
      try {
        await db.transaction().execute(async (trx) => {
          const artist = await artistOf(trx, body.artistId);
          const titleEn = body.titleEn ?? null;
          await repo.insert(trx, {
            id,
            artist_id: body.artistId,
            title_ko: body.titleKo,
            title_en: titleEn,
            title_key: titleKey(body.titleKo),
            description: body.description,
            country: body.country,
            completion_date: body.completionDate,
            width_mm: mm(body.size.widthCm),
            height_mm: mm(body.size.heightCm),
            depth_mm: body.size.depthCm == null ? null : mm(body.size.depthCm),
            medium: body.medium,
            theme: body.theme,
            style: body.style,
            technique: body.technique,
            estimate_low: body.estimateLow,
            estimate_high: body.estimateHigh,
            condition_report: body.conditionReport ?? null,
            search_text: searchText({
              titleKo: body.titleKo,
              titleEn,
              artistKo: artist.name_ko,
              artistEn: artist.name_en,
              description: body.description,
            }),
            lot_id: null,
            current_price: null,
            starts_at: null,
            ends_at: null,
            archived_at: null,
          });
          const row = (await repo.get(trx, id))!;
          await enqueue(trx, ArtworkCreatedV1, snapshot(row), { correlationId });
        });
      } catch (err) {
        if (uniqueViolation(err) === "artwork_artist_title")
          throw fail("ARTWORK_ALREADY_EXISTS", "This artist already has an artwork with this title");
        throw err;
      }
      return load(db, id, { archived: true });
    },

    async update(id: string, body: UpdateArtworkBody, correlationId: string): Promise<Artwork> {
      try {
        await db.transaction().execute(async (trx) => {
          const cur = await repo.lockForUpdate(trx, id);
          if (!cur) throw fail("ARTWORK_NOT_FOUND", "No such artwork");
          if (cur.version !== body.version)
            throw fail("VERSION_CONFLICT", "The artwork changed since you read it; reload and try again", {
              currentVersion: cur.version,
            });
          if (cur.archived_at) throw fail("ARTWORK_ARCHIVED", "An archived artwork cannot be changed");
          const medium = body.medium ?? (cur.medium as NonNullable<UpdateArtworkBody["medium"]>);
          const issues = taxonomyIssues({
            medium,
            theme: body.theme ?? cur.theme,
            style: body.style ?? cur.style,
            technique: body.technique ?? cur.technique,
          });
          if (issues.length)
            throw fail("TAXONOMY_MISMATCH", "Theme, style and technique must belong to the medium", {
              issues,
            });
          const low = body.estimateLow ?? cur.estimate_low;
          const high = body.estimateHigh ?? cur.estimate_high;
          if (high < low)
            throw commonFail("VALIDATION_FAILED", "estimateHigh is below estimateLow", {
              errors: [{ path: "estimateHigh", message: "below estimateLow" }],
            });
          const artistId = body.artistId ?? cur.artist_id;
          const artist = await artistOf(trx, artistId);
          const titleKo = body.titleKo ?? cur.title_ko;
          const titleEn = body.titleEn === undefined ? cur.title_en : body.titleEn;
          const description = body.description ?? cur.description;
          const set: Updateable<ArtworkTable> = {
            artist_id: artistId,
            title_ko: titleKo,
            title_en: titleEn,
            title_key: titleKey(titleKo),
            description,
            search_text: searchText({
              titleKo,
              titleEn,
              artistKo: artist.name_ko,
              artistEn: artist.name_en,
              description,
            }),
            medium,
            estimate_low: low,
            estimate_high: high,
          };
          if (body.theme) set.theme = body.theme;
          if (body.style) set.style = body.style;
          if (body.technique) set.technique = body.technique;
          if (body.country) set.country = body.country;
          if (body.completionDate) set.completion_date = body.completionDate;
          if (body.conditionReport !== undefined) set.condition_report = body.conditionReport;
          if (body.size) {
            set.width_mm = mm(body.size.widthCm);
            set.height_mm = mm(body.size.heightCm);
            set.depth_mm = body.size.depthCm == null ? null : mm(body.size.depthCm);
          }
          await repo.update(trx, id, body.version, set);
          const row = (await repo.get(trx, id))!;
          await enqueue(trx, ArtworkUpdatedV1, snapshot(row), { correlationId });
        });
      } catch (err) {
        if (uniqueViolation(err) === "artwork_artist_title")
          throw fail("ARTWORK_ALREADY_EXISTS", "This artist already has an artwork with this title");
        throw err;
      }
      return load(db, id, { archived: true });
    },

    async archive(id: string, version: number, correlationId: string): Promise<Artwork> {
      await db.transaction().execute(async (trx) => {
        const cur = await repo.lockForUpdate(trx, id);
        if (!cur) throw fail("ARTWORK_NOT_FOUND", "No such artwork");
        if (cur.version !== version)
          throw fail("VERSION_CONFLICT", "The artwork changed since you read it; reload and try again", {
            currentVersion: cur.version,
          });
        if (cur.archived_at) throw fail("ARTWORK_ARCHIVED", "The artwork is already archived");
        const lot = await repo.activeLot(trx, id);
        if (lot)
          throw fail(
            "ARTWORK_IN_AUCTION",
            `A lot of this artwork is ${lot.status.toLowerCase()}; cancel it first`,
            {
              lotId: lot.lot_id,
              status: lot.status,
            },
          );
        await repo.update(trx, id, version, { archived_at: new Date() });
        const row = (await repo.get(trx, id))!;
        await enqueue(trx, ArtworkArchivedV1, snapshot(row), { correlationId });
      });
      return load(db, id, { archived: true });
    },
  };
}
export type ArtworksService = ReturnType<typeof createArtworksService>;
