import {
  AuctionStatus,
  CatalogErrors,
  type ListArtworksQuery,
  ListingSort,
  MEDIA,
  type ReferenceData,
  STYLES,
  TECHNIQUES,
  THEMES,
} from "@arte/contracts/catalog.js";
import { failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import type { CatalogDb } from "../../db/schema.js";
import type { Views } from "../artworks/artwork.view.js";
import { decodeListingCursor, encodeListingCursor } from "./cursor.domain.js";
import { listingRepository as repo } from "./listing.repository.js";

const fail = failWith(CatalogErrors);

const labelled = (table: Record<string, { ko: string; en: string }>, codes: readonly string[]) =>
  codes.map((code) => ({ code, ...table[code]! }));

/** The reference data, built once from the contracts. */
export const REFERENCE: ReferenceData = {
  media: Object.entries(MEDIA).map(([code, m]) => ({
    code,
    ko: m.ko,
    en: m.en,
    techniqueLabel: m.techniqueLabel,
    themes: labelled(THEMES, m.themes),
    styles: labelled(STYLES, m.styles),
    techniques: labelled(TECHNIQUES, m.techniques),
  })),
  auctionStatuses: [...AuctionStatus.options],
  sorts: [...ListingSort.options],
};

export function createListingService(deps: { db: Kysely<CatalogDb>; views: Views }) {
  return {
    async list(q: ListArtworksQuery) {
      const after = q.cursor ? decodeListingCursor(q.cursor, q.sort) : null;
      if (q.cursor && !after)
        throw fail("CURSOR_INVALID", "The cursor is invalid or belongs to another sort");
      const [rows, facets] = await Promise.all([
        repo.page(deps.db, q, after),
        after ? Promise.resolve(null) : repo.facets(deps.db, q),
      ]);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows.at(-1);
      return {
        items: pageRows.map(deps.views.listItem),
        nextCursor:
          rows.length > q.limit && last
            ? encodeListingCursor({ sort: q.sort, key: Number(last.sort_key), id: last.id })
            : null,
        ...(facets ? { total: facets.total } : {}),
        facets: facets?.facets ?? null,
      };
    },
  };
}
export type ListingService = ReturnType<typeof createListingService>;
