import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { assertBlobKey, type BlobStore, IMMUTABLE_CACHE, isBlobKey } from "./blob-store.js";

export type S3BlobStoreOptions = {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Public base URL of the bucket; default: the endpoint (path style) or the AWS virtual-host URL. */
  publicBaseUrl?: string;
};

const notFound = (err: unknown) =>
  err instanceof S3ServiceException &&
  (err.name === "NoSuchKey" || err.name === "NotFound" || err.$metadata?.httpStatusCode === 404);

/** Objects in one bucket (AWS SDK v3), each with its content type and an immutable Cache-Control. */
export function createS3BlobStore(opts: S3BlobStoreOptions): BlobStore & { client: S3Client } {
  const client = new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle ?? Boolean(opts.endpoint),
    ...(opts.accessKeyId && opts.secretAccessKey
      ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
      : {}),
    // Buffers have a known length: no streaming checksums (which S3-compatible servers may not know).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const base =
    opts.publicBaseUrl?.replace(/\/+$/, "") ??
    (opts.endpoint
      ? `${opts.endpoint.replace(/\/+$/, "")}/${opts.bucket}`
      : `https://${opts.bucket}.s3.${opts.region}.amazonaws.com`);
  const Bucket = opts.bucket;
  return {
    kind: "s3",
    client,
    async put(key, body, contentType) {
      assertBlobKey(key);
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          CacheControl: IMMUTABLE_CACHE,
        }),
      );
    },
    async get(key) {
      if (!isBlobKey(key)) return null;
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return {
          body: res.Body as Readable,
          contentType: res.ContentType ?? "application/octet-stream",
          size: res.ContentLength ?? 0,
        };
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      assertBlobKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async exists(key) {
      if (!isBlobKey(key)) return false;
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (err) {
        if (notFound(err)) return false;
        throw err;
      }
    },
    async list() {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const res = await client.send(new ListObjectsV2Command({ Bucket, ContinuationToken: token }));
        for (const o of res.Contents ?? []) if (o.Key && isBlobKey(o.Key)) out.push(o.Key);
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    url: (key) => `${base}/${key}`,
  };
}
