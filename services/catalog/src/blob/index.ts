import type { CatalogConfig } from "../config.js";
import type { BlobStore } from "./blob-store.js";
import { createFsBlobStore } from "./fs-store.js";
import { createS3BlobStore } from "./s3-store.js";

/** The store the config asks for: files under BLOB_DIR (default) or an S3 bucket. */
export function createBlobStore(config: CatalogConfig): BlobStore {
  if (config.BLOB_DRIVER === "s3") {
    return createS3BlobStore({
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      publicBaseUrl: config.MEDIA_BASE_URL,
    });
  }
  return createFsBlobStore({ root: config.BLOB_DIR, baseUrl: config.MEDIA_BASE_URL ?? "/media" });
}
