/** Artwork images: which files may be uploaded, and the order arithmetic behind "move up/down". */
import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_ARTWORK } from "@arte/contracts/catalog.js";

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export const IMAGE_ACCEPT = IMAGE_TYPES.join(",");

export type FileProblem = { name: string; reason: "type" | "size" | "empty" | "count" };

/**
 * Splits chosen files into those to upload and those refused before any byte is sent: not JPEG, PNG
 * or WebP, empty, over 15 MB, or past the 10 images an artwork may have (counting the ones it has).
 */
export function checkImageFiles<F extends { name: string; type: string; size: number }>(
  files: readonly F[],
  existing: number,
): { accepted: F[]; problems: FileProblem[] } {
  const accepted: F[] = [];
  const problems: FileProblem[] = [];
  for (const f of files) {
    if (!(IMAGE_TYPES as readonly string[]).includes(f.type)) problems.push({ name: f.name, reason: "type" });
    else if (f.size === 0) problems.push({ name: f.name, reason: "empty" });
    else if (f.size > MAX_IMAGE_BYTES) problems.push({ name: f.name, reason: "size" });
    else if (existing + accepted.length >= MAX_IMAGES_PER_ARTWORK)
      problems.push({ name: f.name, reason: "count" });
    else accepted.push(f);
  }
  return { accepted, problems };
}

/** Images by their position (the order the artwork page shows them). */
export const byPosition = <I extends { position: number }>(images: readonly I[]) =>
  [...images].sort((a, b) => a.position - b.position);

/** The ids with the one at `from` moved to `to` (clamped); the same array when nothing moves. */
export function moveId(ids: readonly string[], from: number, to: number): string[] {
  const target = Math.max(0, Math.min(ids.length - 1, to));
  if (from < 0 || from >= ids.length || from === target) return [...ids];
  const out = [...ids];
  const [moved] = out.splice(from, 1);
  out.splice(target, 0, moved!);
  return out;
}

/** Whether two orders differ (an unchanged order is not sent). */
export const sameOrder = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);
