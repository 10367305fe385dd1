import { CatalogErrors } from "@arte/contracts/catalog.js";
import { AppError, failWith } from "@arte/platform";
import type { Metadata } from "sharp";
import { blobKey, newBlobStem } from "../../blob/blob-store.js";
import type { StoredImage } from "../../db/schema.js";
import {
  MAX_INPUT_PIXELS,
  PLACEHOLDER_SIZE,
  sniffImageFormat,
  VARIANTS,
  type VariantName,
} from "./image.domain.js";

const fail = failWith(CatalogErrors);

export type ProcessedImage = {
  width: number;
  height: number;
  placeholder: string;
  variants: Record<VariantName, { buffer: Buffer; width: number; height: number }>;
};

/**
 * Checks an uploaded file and makes its WebP variants. The type comes from the content (magic bytes,
 * then sharp's own reading must agree); EXIF orientation is applied and then every metadata block
 * (EXIF, GPS, XMP, ICC, comments) is dropped, as sharp does unless asked to keep it.
 */
/**
 * sharp (libvips) is loaded on the first upload, not at start: an idle catalog instance that never
 * processes an image does not carry it (about 15 MiB of resident memory).
 */
let sharpModule: Promise<typeof import("sharp").default> | null = null;
const loadSharp = () => {
  sharpModule ??= import("sharp").then((m) => m.default);
  return sharpModule;
};

export async function processImage(buf: Buffer, maxBytes: number): Promise<ProcessedImage> {
  const sharp = await loadSharp();
  if (buf.length === 0) throw fail("EMPTY_FILE", "The file is empty");
  if (buf.length > maxBytes) throw fail("IMAGE_TOO_LARGE", `An image may be at most ${maxBytes} bytes`);
  const format = sniffImageFormat(buf);
  if (!format) throw fail("UNSUPPORTED_IMAGE_TYPE", "Only JPEG, PNG and WebP images are accepted");
  const input = () => sharp(buf, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "warning" });
  let meta: Metadata;
  try {
    meta = await input().metadata();
  } catch {
    throw fail("IMAGE_INVALID", "The image cannot be read");
  }
  if (meta.format !== format || !meta.width || !meta.height)
    throw fail("IMAGE_INVALID", "The image cannot be read");
  try {
    // Decode once, oriented; every variant is made from this raw pixel buffer.
    const { data, info } = await input().rotate().raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
    const variants = {} as ProcessedImage["variants"];
    for (const [name, size] of Object.entries(VARIANTS) as [VariantName, number][]) {
      const out = await sharp(data, raw)
        .resize(size, size, { fit: "inside", withoutEnlargement: true })
        .webp({ quality: name === "thumb" ? 75 : 82, effort: 4 })
        .toBuffer({ resolveWithObject: true });
      variants[name] = { buffer: out.data, width: out.info.width, height: out.info.height };
    }
    const tiny = await sharp(data, raw)
      .resize(PLACEHOLDER_SIZE, PLACEHOLDER_SIZE, { fit: "inside" })
      .blur(1)
      .webp({ quality: 40 })
      .toBuffer();
    return {
      width: info.width,
      height: info.height,
      placeholder: `data:image/webp;base64,${tiny.toString("base64")}`,
      variants,
    };
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw fail("IMAGE_INVALID", "The image cannot be read");
  }
}

/** Names an image's variants under a fresh random stem: the row to store and the files to write. */
export function planVariants(img: ProcessedImage): {
  stored: StoredImage;
  files: { key: string; buffer: Buffer }[];
} {
  const stem = newBlobStem();
  const files: { key: string; buffer: Buffer }[] = [];
  const variants = {} as StoredImage["variants"];
  for (const name of Object.keys(VARIANTS) as VariantName[]) {
    const v = img.variants[name];
    const key = blobKey(stem, name);
    files.push({ key, buffer: v.buffer });
    variants[name] = { key, width: v.width, height: v.height, bytes: v.buffer.length };
  }
  return { stored: { width: img.width, height: img.height, placeholder: img.placeholder, variants }, files };
}

export function variantKeys(stored: { variants: StoredImage["variants"] }): string[] {
  return Object.values(stored.variants).map((v) => v.key);
}
