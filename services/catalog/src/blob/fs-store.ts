import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { assertBlobKey, type BlobStore, contentTypeOf, isBlobKey } from "./blob-store.js";

/**
 * Files under `root`, in 256 shard folders named by the key's first two characters. A write goes to a
 * temporary file that is fsynced and renamed, so a reader never sees half a blob.
 */
export function createFsBlobStore(opts: { root: string; baseUrl?: string }): BlobStore {
  const baseUrl = opts.baseUrl ?? "/media";
  const pathOf = (key: string) => {
    assertBlobKey(key);
    return join(opts.root, key.slice(0, 2), key);
  };
  return {
    kind: "fs",
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(join(opts.root, key.slice(0, 2)), { recursive: true });
      const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      const fh = await open(tmp, "wx", 0o644);
      try {
        await fh.writeFile(body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async get(key) {
      if (!isBlobKey(key)) return null;
      const path = pathOf(key);
      try {
        const s = await stat(path);
        return { body: createReadStream(path), contentType: contentTypeOf(key), size: s.size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async exists(key) {
      if (!isBlobKey(key)) return false;
      try {
        await stat(pathOf(key));
        return true;
      } catch {
        return false;
      }
    },
    async list() {
      const out: string[] = [];
      let shards: string[];
      try {
        shards = await readdir(opts.root);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
      }
      for (const shard of shards) {
        const names = await readdir(join(opts.root, shard)).catch(() => [] as string[]);
        out.push(...names.filter(isBlobKey));
      }
      return out.sort();
    },
    url: (key) => `${baseUrl}/${key}`,
  };
}
