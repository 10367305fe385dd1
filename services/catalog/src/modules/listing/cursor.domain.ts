import type { ListingSort } from "@arte/contracts/catalog.js";

/** Keyset position: the sort it belongs to, the sort key of the last item, and its id. */
export type ListingCursor = { sort: ListingSort; key: number; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeListingCursor = (c: ListingCursor) =>
  Buffer.from(JSON.stringify([c.sort, c.key, c.id])).toString("base64url");

/** The cursor, or null when it is malformed or belongs to another sort. */
export function decodeListingCursor(raw: string, sort: ListingSort): ListingCursor | null {
  try {
    const v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [s, key, id] = v as [unknown, unknown, unknown];
    if (
      s !== sort ||
      typeof key !== "number" ||
      !Number.isSafeInteger(key) ||
      typeof id !== "string" ||
      !UUID.test(id)
    )
      return null;
    return { sort, key, id };
  } catch {
    return null;
  }
}

/** Each sort: the column it orders by (then by id the same way) and its direction. */
export const SORTS: Record<
  ListingSort,
  { column: "ending_key" | "seq" | "list_price" | "bid_count" | "watch_count"; desc: boolean }
> = {
  ending_soon: { column: "ending_key", desc: false },
  newest: { column: "seq", desc: true },
  price_asc: { column: "list_price", desc: false },
  price_desc: { column: "list_price", desc: true },
  most_bids: { column: "bid_count", desc: true },
  most_watched: { column: "watch_count", desc: true },
};

/** `%`, `_` and `\` are literal in a search: escape them for LIKE. */
export const likeEscape = (s: string) => s.replaceAll(/[\\%_]/g, (c) => `\\${c}`);
