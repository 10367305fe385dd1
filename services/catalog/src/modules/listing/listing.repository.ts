import type { ListArtworksQuery } from "@arte/contracts/catalog.js";
import type { Executor } from "@arte/platform";
import { type ExpressionBuilder, sql } from "kysely";
import type { CatalogDb } from "../../db/schema.js";
import type { ArtworkRow } from "../artworks/artwork.view.js";
import { selectArtworks } from "../artworks/artworks.repository.js";
import { type ListingCursor, likeEscape, SORTS } from "./cursor.domain.js";

type Filters = Omit<ListArtworksQuery, "sort" | "limit" | "cursor">;
type Eb = ExpressionBuilder<CatalogDb & { a: CatalogDb["artwork"] }, "a">;

/** The WHERE of a listing: live artworks matching every given filter. */
function where(eb: Eb, f: Filters) {
  const conds = [eb("a.archived_at", "is", null)];
  if (f.q) conds.push(eb("a.search_text", "like", `%${likeEscape(f.q.toLowerCase())}%`));
  if (f.medium) conds.push(eb("a.medium", "=", f.medium));
  if (f.theme) conds.push(eb("a.theme", "=", f.theme));
  if (f.style) conds.push(eb("a.style", "=", f.style));
  if (f.technique) conds.push(eb("a.technique", "=", f.technique));
  if (f.artistId) conds.push(eb("a.artist_id", "=", f.artistId));
  if (f.status) conds.push(eb("a.auction_status", "=", f.status));
  if (f.minPrice !== undefined) conds.push(eb("a.list_price", ">=", f.minPrice));
  if (f.maxPrice !== undefined) conds.push(eb("a.list_price", "<=", f.maxPrice));
  return eb.and(conds);
}

export const listingRepository = {
  async page(db: Executor<CatalogDb>, q: ListArtworksQuery, after: ListingCursor | null) {
    const s = SORTS[q.sort];
    const dir = s.desc ? "desc" : "asc";
    const col = `a.${s.column}` as const;
    let query = selectArtworks(db)
      .select(sql<number>`${sql.ref(col)}`.as("sort_key"))
      .where((eb) => where(eb as unknown as Eb, q))
      .orderBy(col, dir)
      .orderBy("a.id", dir)
      .limit(q.limit + 1);
    if (after) {
      const cmp = s.desc ? sql.raw("<") : sql.raw(">");
      query = query.where(sql<boolean>`(${sql.ref(col)}, a.id) ${cmp} (${after.key}, ${after.id}::uuid)`);
    }
    return (await query.execute()) as (ArtworkRow & { sort_key: number })[];
  },

  /** Counts per medium, theme, style, technique and auction status under the same filters, in one scan. */
  async facets(db: Executor<CatalogDb>, f: Filters) {
    const rows = await db
      .selectFrom("artwork as a")
      .select([
        "a.medium",
        "a.theme",
        "a.style",
        "a.technique",
        "a.auction_status",
        sql<number>`count(*)::int`.as("n"),
        sql<number>`grouping(a.medium, a.theme, a.style, a.technique, a.auction_status)`.as("g"),
      ])
      .where((eb) => where(eb as unknown as Eb, f))
      .groupBy(sql`grouping sets ((a.medium), (a.theme), (a.style), (a.technique), (a.auction_status))`)
      .execute();
    const out = { medium: [], theme: [], style: [], technique: [], status: [] } as Record<
      "medium" | "theme" | "style" | "technique" | "status",
      { value: string; count: number }[]
    >;
    for (const r of rows) {
      if (r.medium !== null) out.medium.push({ value: r.medium, count: r.n });
      else if (r.theme !== null) out.theme.push({ value: r.theme, count: r.n });
      else if (r.style !== null) out.style.push({ value: r.style, count: r.n });
      else if (r.technique !== null) out.technique.push({ value: r.technique, count: r.n });
      else if (r.auction_status !== null) out.status.push({ value: r.auction_status, count: r.n });
    }
    for (const list of Object.values(out))
      list.sort((x, y) => y.count - x.count || x.value.localeCompare(y.value));
    const total = out.medium.reduce((n, x) => n + x.count, 0);
    return { facets: out, total };
  },
};
