import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";

export type BlobContentType = "image/webp" | "image/jpeg" | "image/png";

export type StoredBlob = { body: Readable; contentType: string; size: number };

/**
 * Where image files live. Keys are made by {@link newBlobKey} only (random, unguessable, one path
 * segment); every driver refuses any other key, so a key can never walk out of its store.
 */
export interface BlobStore {
  readonly kind: "fs" | "s3";
  /** Writes (or overwrites) a blob. Resolves once it is durable. */
  put(key: string, body: Buffer, contentType: BlobContentType): Promise<void>;
  /** The blob, or null when there is none. */
  get(key: string): Promise<StoredBlob | null>;
  /** Deletes a blob; deleting a missing one is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every key in the store (tests and audits; not for request paths). */
  list(): Promise<string[]>;
  /** The URL clients fetch the blob from. */
  url(key: string): string;
}

/** `<22 base64url chars>.<variant>.<ext>` — 128 random bits. */
export const BLOB_KEY = /^[A-Za-z0-9_-]{22}\.[a-z]{1,12}\.(webp|jpg|png)$/;

export const isBlobKey = (key: string) => BLOB_KEY.test(key);

export class InvalidBlobKeyError extends Error {
  override name = "InvalidBlobKeyError";
}

export function assertBlobKey(key: string) {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError(`not a blob key: ${JSON.stringify(key).slice(0, 80)}`);
}

/** A fresh random stem; the variants of one image share it (`<stem>.thumb.webp`, …). */
export const newBlobStem = () => randomBytes(16).toString("base64url");

export const blobKey = (stem: string, variant: string, ext: "webp" | "jpg" | "png" = "webp") =>
  `${stem}.${variant}.${ext}`;

export const contentTypeOf = (key: string): BlobContentType =>
  key.endsWith(".webp") ? "image/webp" : key.endsWith(".png") ? "image/png" : "image/jpeg";

/** Long-lived: a key's content never changes (a new image gets a new key). */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
