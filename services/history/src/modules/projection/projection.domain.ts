import { ImageView } from "@arte/contracts/catalog.js";

/** The alias the auction service gives the n-th bidder of a lot (1-based). */
export const aliasName = (n: number) => `Bidder ${n}`;

/** The number in an alias such as "Bidder 7" (0 for anything else). */
export function aliasNumber(alias: string): number {
  const m = /^Bidder (\d{1,9})$/.exec(alias);
  return m ? Number(m[1]) : 0;
}

/** The next alias of a lot when an event carries none: one past the highest number given so far. */
export const nextAlias = (taken: readonly string[]) => aliasName(Math.max(0, ...taken.map(aliasNumber)) + 1);

/**
 * The primary image of an artwork event, read tolerantly: a `primaryImage` (an `ImageView`), else the
 * `images` entry marked primary, else the first by position; null when the event carries neither or
 * in a shape we do not know (the catalog's snapshot is free to add them later without a new version).
 */
export function primaryImageOf(data: Record<string, unknown>): ImageView | null {
  const direct = ImageView.safeParse(data.primaryImage);
  if (direct.success) return direct.data;
  if (!Array.isArray(data.images)) return null;
  const images = data.images.flatMap((i) => {
    const p = ImageView.safeParse(i);
    return p.success ? [p.data] : [];
  });
  return images.find((i) => i.isPrimary) ?? images.sort((a, b) => a.position - b.position)[0] ?? null;
}

/** A stored image, checked again on the way out: a shape we no longer recognise shows as no image. */
export function storedImage(value: unknown): ImageView | null {
  const p = ImageView.safeParse(value);
  return p.success ? p.data : null;
}
