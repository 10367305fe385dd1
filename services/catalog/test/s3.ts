import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { createS3BlobStore } from "../src/blob/s3-store.js";

/** A real S3-compatible server (s3rver) on a free loopback port, with one bucket; removed on stop. */
export async function startS3() {
  const dir = await mkdtemp(join(tmpdir(), "arte-s3-"));
  const bucket = "arte-test";
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const options = {
    bucket,
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
  };
  return {
    endpoint,
    bucket,
    options,
    store: createS3BlobStore(options),
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
