import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, createTestKeys, testLogger } from "@arte/testing";
import { sql } from "kysely";
import sharp from "sharp";
import { buildApp } from "../src/app.js";
import type { BlobStore } from "../src/blob/blob-store.js";
import { createFsBlobStore } from "../src/blob/fs-store.js";
import { migrations } from "../src/db/migrations/index.js";
import { type CatalogDb, SCHEMA } from "../src/db/schema.js";

/** One catalog app on its own database and blob folder (or the given store), with request helpers. */
export async function startHarness(opts: { blobs?: BlobStore; maxImageBytes?: number } = {}) {
  const tdb = await createTestDatabase<CatalogDb>({ schema: SCHEMA, migrations });
  const dir = await mkdtemp(join(tmpdir(), "arte-catalog-"));
  const blobs = opts.blobs ?? createFsBlobStore({ root: dir });
  const keys = await createTestKeys();
  const app = await buildApp({
    db: tdb.db,
    blobs,
    verifier: keys.verifier,
    log: testLogger("catalog"),
    ...(opts.maxImageBytes ? { maxImageBytes: opts.maxImageBytes } : {}),
  });
  await app.ready();
  const token = (role: "USER" | "ADMIN", sub = randomUUID()) =>
    keys.signer.sign({ sub, role, sid: randomUUID(), ev: true });
  const adminToken = await token("ADMIN");
  const admin = { authorization: `Bearer ${adminToken}` };

  const h = {
    app,
    db: tdb.db,
    blobs,
    dir,
    keys,
    admin,
    async user(sub = randomUUID()) {
      return { id: sub, headers: { authorization: `Bearer ${await token("USER", sub)}` } };
    },
    async createArtist(over: Record<string, unknown> = {}) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/admin/artists",
        headers: admin,
        payload: {
          nameKo: "김하늘",
          nameEn: "Kim Haneul",
          birthYear: 1970,
          country: "KR",
          biography: "화가",
          ...over,
        },
      });
      if (res.statusCode !== 201) throw new Error(`artist: ${res.statusCode} ${res.body}`);
      return res.json() as { id: string; version: number };
    },
    artworkBody(artistId: string, over: Record<string, unknown> = {}) {
      return {
        artistId,
        titleKo: `작품 ${randomUUID().slice(0, 8)}`,
        titleEn: "A Work",
        description: "캔버스에 유채. Oil on canvas.",
        country: "KR",
        completionDate: "2019-05",
        size: { widthCm: 90.9, heightCm: 72.7 },
        medium: "PAINTING",
        theme: "LANDSCAPE",
        style: "ABSTRACT",
        technique: "OIL",
        estimateLow: 1_000_000,
        estimateHigh: 2_000_000,
        conditionReport: "Good",
        ...over,
      };
    },
    async createArtwork(artistId: string, over: Record<string, unknown> = {}) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/admin/artworks",
        headers: admin,
        payload: h.artworkBody(artistId, over),
      });
      if (res.statusCode !== 201) throw new Error(`artwork: ${res.statusCode} ${res.body}`);
      return res.json() as { id: string; version: number; [k: string]: unknown };
    },
    upload(artworkId: string, files: { name: string; data: Buffer; type?: string }[], headers = admin) {
      const boundary = `----arte${randomUUID()}`;
      const parts: Buffer[] = [];
      for (const f of files) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="${f.name}"\r\nContent-Type: ${f.type ?? "image/jpeg"}\r\n\r\n`,
          ),
          f.data,
          Buffer.from("\r\n"),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return app.inject({
        method: "POST",
        url: `/v1/admin/artworks/${artworkId}/images`,
        headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      });
    },
    /** Rows and blobs: a refused request must change neither. */
    async snapshot() {
      const n = async (t: "artwork" | "artwork_image" | "artist" | "watch" | "outbox" | "blob_gc") =>
        (await tdb.db.selectFrom(t).select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow()).n;
      return {
        artworks: await n("artwork"),
        images: await n("artwork_image"),
        artists: await n("artist"),
        watches: await n("watch"),
        outbox: await n("outbox"),
        blobGc: await n("blob_gc"),
        blobs: (await blobs.list()).length,
      };
    },
    async close() {
      await app.close();
      await tdb.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Real images of each format, made by sharp (with EXIF for the JPEG, to prove it is stripped). */
export async function images() {
  const base = () =>
    sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 80, b: 40 } } });
  const jpeg = await base()
    .withExif({ IFD0: { Copyright: "secret-owner", Artist: "GPS-carrying camera" } })
    .jpeg()
    .toBuffer();
  const png = await base().png().toBuffer();
  const webp = await base().webp().toBuffer();
  return { jpeg, png, webp };
}
