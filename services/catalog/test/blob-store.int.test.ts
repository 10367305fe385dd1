import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlobStore, blobKey, newBlobStem } from "../src/blob/blob-store.js";
import { createFsBlobStore } from "../src/blob/fs-store.js";
import { startS3 } from "./s3.js";

async function text(store: BlobStore, key: string) {
  const blob = await store.get(key);
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const c of blob.body) chunks.push(c as Buffer);
  return { body: Buffer.concat(chunks).toString("utf8"), contentType: blob.contentType, size: blob.size };
}

/** One contract, run against every driver. */
function blobStoreContract(name: string, make: () => Promise<{ store: BlobStore; stop(): Promise<void> }>) {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ store, stop } = await make());
    });
    afterAll(async () => stop?.());

    it("puts, gets with its content type and size, and lists a blob", async () => {
      const key = blobKey(newBlobStem(), "large");
      await store.put(key, Buffer.from("hello webp"), "image/webp");
      expect(await store.exists(key)).toBe(true);
      expect(await text(store, key)).toEqual({ body: "hello webp", contentType: "image/webp", size: 10 });
      expect(await store.list()).toContain(key);
    });

    it("overwrites a key", async () => {
      const key = blobKey(newBlobStem(), "thumb");
      await store.put(key, Buffer.from("one"), "image/webp");
      await store.put(key, Buffer.from("two!"), "image/webp");
      expect((await text(store, key))?.body).toBe("two!");
    });

    it("answers null / false for a missing key, and deletes idempotently", async () => {
      const key = blobKey(newBlobStem(), "medium");
      expect(await store.get(key)).toBeNull();
      expect(await store.exists(key)).toBe(false);
      await store.put(key, Buffer.from("x"), "image/webp");
      await store.delete(key);
      await store.delete(key);
      expect(await store.exists(key)).toBe(false);
      expect(await store.list()).not.toContain(key);
    });

    it("refuses keys it did not make (path traversal, slashes, guessable names)", async () => {
      for (const bad of [
        "../../etc/passwd",
        "a/b.thumb.webp",
        "..",
        "x.webp",
        `${"A".repeat(22)}.thumb.exe`,
      ]) {
        await expect(store.put(bad, Buffer.from("x"), "image/webp")).rejects.toThrow(/not a blob key/);
        expect(await store.get(bad)).toBeNull();
        expect(await store.exists(bad)).toBe(false);
      }
    });

    it("makes a URL per key", () => {
      const key = blobKey(newBlobStem(), "large");
      expect(store.url(key).endsWith(`/${key}`)).toBe(true);
    });

    it("makes random keys: 128 bits, no collisions", () => {
      const stems = new Set(Array.from({ length: 1000 }, newBlobStem));
      expect(stems.size).toBe(1000);
      for (const s of stems) expect(s).toMatch(/^[A-Za-z0-9_-]{22}$/);
    });
  });
}

blobStoreContract("filesystem", async () => {
  const root = await mkdtemp(join(tmpdir(), "arte-blobs-"));
  return {
    store: createFsBlobStore({ root }),
    async stop() {
      // No temporary files are left behind by writes.
      const shards = await readdir(root);
      for (const s of shards)
        expect((await readdir(join(root, s))).some((f) => f.endsWith(".tmp"))).toBe(false);
      await rm(root, { recursive: true, force: true });
    },
  };
});

blobStoreContract("s3 (s3rver)", async () => {
  const s3 = await startS3();
  return { store: s3.store, stop: () => s3.stop() };
});
