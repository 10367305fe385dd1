/** Image formats we accept, recognised from the first bytes (never from a file name or a header). */
export type ImageFormat = "jpeg" | "png" | "webp";

export function sniffImageFormat(buf: Buffer): ImageFormat | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return "jpeg";
  if (
    buf.length >= 8 &&
    buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return "png";
  if (
    buf.length >= 12 &&
    buf.subarray(0, 4).toString("latin1") === "RIFF" &&
    buf.subarray(8, 12).toString("latin1") === "WEBP"
  )
    return "webp";
  return null;
}

/**
 * A client's file name is never used for storage (keys are random), but one that tries to walk paths
 * or carries control characters says the client is broken or hostile: refuse the upload.
 */
export function isAcceptableFileName(name: string | undefined): boolean {
  if (name === undefined || name === "") return true;
  if (name.length > 255) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return false;
  if (name.includes("/") || name.includes("\\")) return false;
  if (name === "." || name === ".." || name.startsWith("..")) return false;
  return true;
}

/** The WebP sizes made of every image: the longest side is at most this many pixels. */
export const VARIANTS = { thumb: 320, medium: 960, large: 2048 } as const;
export type VariantName = keyof typeof VARIANTS;

/** Longest side of the blurred placeholder. */
export const PLACEHOLDER_SIZE = 16;

/** Decompression-bomb guard: images above this many pixels are refused. */
export const MAX_INPUT_PIXELS = 80_000_000;
