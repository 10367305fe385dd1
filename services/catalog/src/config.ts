import { fileURLToPath } from "node:url";
import { BaseEnv, envBool, loadConfig } from "@arte/platform";
import { z } from "zod";

const DEFAULT_BLOB_DIR = fileURLToPath(new URL("../../../.data/blobs", import.meta.url));

export const CatalogEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4300),
  /** `fs` (default: files under BLOB_DIR) or `s3` (any S3-compatible store). */
  BLOB_DRIVER: z.enum(["fs", "s3"]).default("fs"),
  BLOB_DIR: z.string().min(1).default(DEFAULT_BLOB_DIR),
  /** Where clients fetch media: `/media` (through the gateway) by default; with S3, the bucket's URL. */
  MEDIA_BASE_URL: z
    .string()
    .min(1)
    .transform((s) => s.replace(/\/+$/, ""))
    .optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().default("ap-northeast-2"),
  /** An S3-compatible endpoint (s3rver, MinIO …); AWS itself when unset. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_FORCE_PATH_STYLE: envBool.default(false),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Blobs written for an upload that never committed are deleted after this long. */
  BLOB_GC_GRACE_SECONDS: z.coerce.number().int().min(1).default(600),
}).superRefine((e, ctx) => {
  if (e.BLOB_DRIVER === "s3" && !e.S3_BUCKET)
    ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "required when BLOB_DRIVER=s3" });
});
export type CatalogConfig = z.infer<typeof CatalogEnv>;

export const loadCatalogConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(CatalogEnv, env);

/** The migration CLI needs only the database. */
export const MigrateEnv = BaseEnv.pick({ DATABASE_URL: true });
export const loadMigrateConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(MigrateEnv, env);
