import type { Executor } from "@arte/platform";
import { type Insertable, sql, type Updateable } from "kysely";
import type { ArtworkTable, CatalogDb } from "../../db/schema.js";
import type { ArtworkRow } from "./artwork.view.js";

/** artwork `a` + artist `ar` + primary image `pi`: the columns of {@link ArtworkRow}. */
export function selectArtworks(db: Executor<CatalogDb>) {
  return db
    .selectFrom("artwork as a")
    .innerJoin("artist as ar", "ar.id", "a.artist_id")
    .leftJoin("artwork_image as pi", (j) =>
      j.onRef("pi.artwork_id", "=", "a.id").on("pi.is_primary", "=", true),
    )
    .select([
      "a.id",
      "a.artist_id",
      "ar.name_ko as artist_name_ko",
      "ar.name_en as artist_name_en",
      "a.title_ko",
      "a.title_en",
      "a.description",
      "a.country",
      "a.completion_date",
      "a.width_mm",
      "a.height_mm",
      "a.depth_mm",
      "a.medium",
      "a.theme",
      "a.style",
      "a.technique",
      "a.estimate_low",
      "a.estimate_high",
      "a.condition_report",
      "a.watch_count",
      "a.lot_id",
      "a.auction_status",
      "a.current_price",
      "a.bid_count",
      "a.starts_at",
      "a.ends_at",
      "a.list_price",
      "a.version",
      "a.created_at",
      "a.updated_at",
      "a.archived_at",
      "pi.id as pi_id",
      "pi.position as pi_position",
      "pi.width as pi_width",
      "pi.height as pi_height",
      "pi.placeholder as pi_placeholder",
      "pi.variants as pi_variants",
    ]);
}

/** What `q` searches: both titles, both artist names and the description, lower-cased. */
export const searchText = (p: {
  titleKo: string;
  titleEn: string | null;
  artistKo: string;
  artistEn: string;
  description: string;
}) => [p.titleKo, p.titleEn ?? "", p.artistKo, p.artistEn, p.description].join(" \n ").toLowerCase();

export const titleKey = (title: string) => title.trim().toLowerCase().replaceAll(/\s+/g, " ");

export const artworksRepository = {
  async get(db: Executor<CatalogDb>, id: string): Promise<ArtworkRow | undefined> {
    return (await selectArtworks(db).where("a.id", "=", id).executeTakeFirst()) as ArtworkRow | undefined;
  },

  async lockForUpdate(db: Executor<CatalogDb>, id: string) {
    return db.selectFrom("artwork").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  },

  async insert(db: Executor<CatalogDb>, row: Insertable<ArtworkTable>) {
    await db.insertInto("artwork").values(row).execute();
  },

  /** Conditional on the version: returns false when someone changed it first. */
  async update(db: Executor<CatalogDb>, id: string, version: number, set: Updateable<ArtworkTable>) {
    const r = await db
      .updateTable("artwork")
      .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
      .where("id", "=", id)
      .where("version", "=", version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async images(db: Executor<CatalogDb>, artworkId: string) {
    return db
      .selectFrom("artwork_image")
      .select(["id", "position", "is_primary", "width", "height", "placeholder", "variants"])
      .where("artwork_id", "=", artworkId)
      .orderBy("position")
      .execute();
  },

  async isWatching(db: Executor<CatalogDb>, userId: string, artworkId: string) {
    const r = await db
      .selectFrom("watch")
      .select("artwork_id")
      .where("user_id", "=", userId)
      .where("artwork_id", "=", artworkId)
      .executeTakeFirst();
    return r !== undefined;
  },

  /** A lot of the artwork that is scheduled or open (from the auction read model). */
  async activeLot(db: Executor<CatalogDb>, artworkId: string) {
    return db
      .selectFrom("lot_state")
      .select(["lot_id", "status"])
      .where("artwork_id", "=", artworkId)
      .where("status", "in", ["SCHEDULED", "OPEN"])
      .executeTakeFirst();
  },

  async adminList(db: Executor<CatalogDb>, q: { archived?: boolean; limit: number; beforeSeq?: number }) {
    let query = selectArtworks(db)
      .select("a.seq")
      .orderBy("a.seq", "desc")
      .limit(q.limit + 1);
    if (q.archived === true) query = query.where("a.archived_at", "is not", null);
    if (q.archived === false) query = query.where("a.archived_at", "is", null);
    if (q.beforeSeq !== undefined) query = query.where("a.seq", "<", q.beforeSeq);
    return (await query.execute()) as (ArtworkRow & { seq: number })[];
  },
};
