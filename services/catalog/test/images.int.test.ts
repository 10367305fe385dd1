import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMMUTABLE_CACHE } from "../src/blob/blob-store.js";
import { type Harness, images, startHarness } from "./harness.js";
import { startS3 } from "./s3.js";

let h: Harness;
let artistId: string;
let img: Awaited<ReturnType<typeof images>>;
// A low per-file limit keeps the "too large" case small; the production limit (15 MB) is checked below.
const LIMIT = 2 * 1024 * 1024;

beforeAll(async () => {
  [h, img] = await Promise.all([startHarness({ maxImageBytes: LIMIT }), images()]);
  artistId = (await h.createArtist()).id;
});
afterAll(async () => h?.close());

const keyOf = (url: string) => url.split("/").at(-1)!;

describe("image upload", () => {
  it("accepts JPEG, PNG and WebP, makes WebP variants and a placeholder, and strips EXIF", async () => {
    const a = await h.createArtwork(artistId);
    const res = await h.upload(a.id, [
      { name: "photo.jpg", data: img.jpeg },
      { name: "scan.png", data: img.png, type: "image/png" },
      { name: "x.webp", data: img.webp, type: "image/webp" },
    ]);
    expect(res.statusCode).toBe(201);
    const list = res.json().images;
    expect(list.map((i: { position: number }) => i.position)).toEqual([0, 1, 2]);
    expect(list.map((i: { isPrimary: boolean }) => i.isPrimary)).toEqual([true, false, false]);
    const first = list[0];
    expect(first).toMatchObject({ width: 640, height: 480 });
    expect(first.placeholder).toMatch(/^data:image\/webp;base64,/);
    expect(first.placeholder.length).toBeLessThan(1000);
    expect(first.variants.thumb).toMatchObject({ width: 320, height: 240 });
    expect(first.variants.large).toMatchObject({ width: 640, height: 480 });
    for (const v of Object.values(first.variants) as { url: string; bytes: number }[]) {
      expect(v.url).toMatch(/^\/media\/[A-Za-z0-9_-]{22}\.(thumb|medium|large)\.webp$/);
      const served = await h.app.inject({ method: "GET", url: v.url });
      expect(served.statusCode).toBe(200);
      expect(served.headers["content-type"]).toBe("image/webp");
      expect(served.headers["cache-control"]).toBe(IMMUTABLE_CACHE);
      expect(served.rawPayload.length).toBe(v.bytes);
      const meta = await sharp(served.rawPayload).metadata();
      expect(meta.format).toBe("webp");
      expect(meta.exif).toBeUndefined();
      expect(served.rawPayload.includes(Buffer.from("secret-owner"))).toBe(false);
    }
    const detail = await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` });
    expect(detail.json().primaryImage.id).toBe(first.id);
    expect(detail.json().images).toHaveLength(3);
    expect(await h.db.selectFrom("blob_gc").selectAll().execute()).toEqual([]);
  });

  it("reorders, sets the primary, and deletes an image with its files", async () => {
    const a = await h.createArtwork(artistId);
    const up = await h.upload(a.id, [
      { name: "1.jpg", data: img.jpeg },
      { name: "2.png", data: img.png },
      { name: "3.webp", data: img.webp },
    ]);
    const ids = up.json().images.map((i: { id: string }) => i.id) as string[];
    const order = [ids[2]!, ids[0]!, ids[1]!];
    const re = await h.app.inject({
      method: "PUT",
      url: `/v1/admin/artworks/${a.id}/images/order`,
      headers: h.admin,
      payload: { imageIds: order },
    });
    expect(re.statusCode).toBe(200);
    expect(re.json().images.map((i: { id: string }) => i.id)).toEqual(order);
    const bad = await h.app.inject({
      method: "PUT",
      url: `/v1/admin/artworks/${a.id}/images/order`,
      headers: h.admin,
      payload: { imageIds: [ids[0]] },
    });
    expect(bad.json().code).toBe("IMAGE_ORDER_MISMATCH");

    const pr = await h.app.inject({
      method: "POST",
      url: `/v1/admin/artworks/${a.id}/images/${ids[1]}/primary`,
      headers: h.admin,
    });
    expect(
      pr
        .json()
        .images.filter((i: { isPrimary: boolean }) => i.isPrimary)
        .map((i: { id: string }) => i.id),
    ).toEqual([ids[1]]);

    const victim = pr.json().images.find((i: { id: string }) => i.id === ids[1]);
    const victimKeys = Object.values(victim.variants).map((v) => keyOf((v as { url: string }).url));
    const del = await h.app.inject({
      method: "DELETE",
      url: `/v1/admin/artworks/${a.id}/images/${ids[1]}`,
      headers: h.admin,
    });
    expect(del.statusCode).toBe(200);
    const rest = del.json().images;
    expect(rest.map((i: { position: number }) => i.position)).toEqual([0, 1]);
    expect(rest.filter((i: { isPrimary: boolean }) => i.isPrimary)).toHaveLength(1);
    for (const k of victimKeys) expect(await h.blobs.exists(k)).toBe(false);
    expect((await h.app.inject({ method: "GET", url: `/media/${victimKeys[0]}` })).statusCode).toBe(404);
    expect(await h.db.selectFrom("blob_gc").selectAll().execute()).toEqual([]);
  });

  it("sets an artist portrait and replaces it without leaving the old files", async () => {
    const artist = await h.createArtist({ nameKo: "초상", nameEn: "Portrait" });
    const put = (data: Buffer) => {
      const boundary = "----portrait";
      return h.app.inject({
        method: "PUT",
        url: `/v1/admin/artists/${artist.id}/portrait`,
        headers: { ...h.admin, "content-type": `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="portrait"; filename="me.jpg"\r\n\r\n`,
          ),
          data,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    };
    const one = await put(img.jpeg);
    expect(one.statusCode).toBe(200);
    const oldKey = keyOf(one.json().portrait.variants.large.url);
    expect(await h.blobs.exists(oldKey)).toBe(true);
    const two = await put(img.png);
    expect(two.statusCode).toBe(200);
    expect(await h.blobs.exists(oldKey)).toBe(false);
  });
});

describe("bad uploads: a clear 4xx, no rows, no blobs", () => {
  let artworkId: string;
  beforeAll(async () => {
    artworkId = (await h.createArtwork(artistId)).id;
  });

  async function refused(
    files: Parameters<Harness["upload"]>[1],
    status: number,
    code: string,
    id = artworkId,
  ) {
    const before = await h.snapshot();
    const res = await h.upload(id, files);
    expect(res.statusCode).toBe(status);
    expect(res.json().code).toBe(code);
    expect(await h.snapshot()).toEqual(before);
  }

  it("a PDF renamed .jpg → 415", async () => {
    const pdf = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n");
    await refused([{ name: "art.jpg", data: pdf }], 415, "UNSUPPORTED_IMAGE_TYPE");
  });

  it("an empty file → 400", async () => {
    await refused([{ name: "empty.jpg", data: Buffer.alloc(0) }], 400, "EMPTY_FILE");
  });

  it("a corrupted (truncated) JPEG → 422", async () => {
    await refused(
      [{ name: "broken.jpg", data: img.jpeg.subarray(0, Math.floor(img.jpeg.length / 2)) }],
      422,
      "IMAGE_INVALID",
    );
  });

  it("JPEG magic bytes followed by garbage → 422", async () => {
    await refused(
      [{ name: "x.jpg", data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]) }],
      422,
      "IMAGE_INVALID",
    );
  });

  it("a file over the size limit → 413", async () => {
    await refused(
      [{ name: "big.jpg", data: Buffer.concat([img.jpeg, Buffer.alloc(LIMIT)]) }],
      413,
      "IMAGE_TOO_LARGE",
    );
  });

  it.each(["../../etc/passwd.jpg", "..\\..\\win.jpg", "a/b.jpg", "bad\u0001name.jpg"])(
    "a path-traversal or control-character file name %j → 400",
    async (name) => {
      await refused([{ name, data: img.jpeg }], 400, "INVALID_FILE_NAME");
    },
  );

  it("a good file with a bad one: the whole upload is refused", async () => {
    await refused(
      [
        { name: "ok.jpg", data: img.jpeg },
        { name: "bad.jpg", data: Buffer.from("not an image at all") },
      ],
      415,
      "UNSUPPORTED_IMAGE_TYPE",
    );
  });

  it("no file → 400; not multipart → 400; unknown artwork → 404; a user → 403", async () => {
    await refused([], 400, "NO_FILES");
    const json = await h.app.inject({
      method: "POST",
      url: `/v1/admin/artworks/${artworkId}/images`,
      headers: h.admin,
      payload: { images: [] },
    });
    expect(json.statusCode).toBe(400);
    await refused([{ name: "a.jpg", data: img.jpeg }], 404, "ARTWORK_NOT_FOUND", randomUUID());
    const u = await h.user();
    const res = await h.upload(artworkId, [{ name: "a.jpg", data: img.jpeg }], u.headers);
    expect(res.statusCode).toBe(403);
  });

  it("an 11th image → 409, in one request or after ten", async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `${i}.png`, data: img.png }));
    await refused(eleven, 409, "TOO_MANY_IMAGES");
    const ten = await h.upload(artworkId, eleven.slice(0, 10));
    expect(ten.statusCode).toBe(201);
    expect(ten.json().images).toHaveLength(10);
    await refused([{ name: "11.png", data: img.png }], 409, "TOO_MANY_IMAGES");
  });

  it("a database failure after the blobs were written leaves no blob behind", async () => {
    const a = await h.createArtwork(artistId);
    const before = await h.snapshot();
    // Make the row insert fail inside the transaction, after the files were written.
    await sql`alter table artwork_image add constraint test_fail check (false) not valid`.execute(h.db);
    try {
      const res = await h.upload(a.id, [{ name: "a.jpg", data: img.jpeg }]);
      expect(res.statusCode).toBe(500);
    } finally {
      await h.db.schema.alterTable("artwork_image").dropConstraint("test_fail").execute();
    }
    expect(await h.snapshot()).toEqual(before);
  });
});

describe("the production limit", () => {
  it("refuses a 16 MB file with 413 and stores nothing", async () => {
    const prod = await startHarness();
    try {
      const artist = await prod.createArtist();
      const a = await prod.createArtwork(artist.id);
      const before = await prod.snapshot();
      const big = Buffer.concat([img.jpeg, Buffer.alloc(16 * 1024 * 1024)]);
      const res = await prod.upload(a.id, [{ name: "huge.jpg", data: big }]);
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe("IMAGE_TOO_LARGE");
      expect(await prod.snapshot()).toEqual(before);
    } finally {
      await prod.close();
    }
  });
});

describe("with the S3 driver (s3rver)", () => {
  it("uploads, serves S3 URLs, deletes the objects, and leaves none after a refused upload", async () => {
    const s3 = await startS3();
    const hs = await startHarness({ blobs: s3.store });
    try {
      const artist = await hs.createArtist();
      const a = await hs.createArtwork(artist.id);
      const res = await hs.upload(a.id, [{ name: "a.jpg", data: img.jpeg }]);
      expect(res.statusCode).toBe(201);
      const large = res.json().images[0].variants.large.url as string;
      expect(large.startsWith(`${s3.endpoint}/${s3.bucket}/`)).toBe(true);
      const fetched = await fetch(large);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get("content-type")).toBe("image/webp");
      expect(fetched.headers.get("cache-control")).toBe(IMMUTABLE_CACHE);
      expect((await s3.store.list()).length).toBe(3);
      // The catalog's own /media route works with S3 too.
      expect((await hs.app.inject({ method: "GET", url: `/media/${keyOf(large)}` })).statusCode).toBe(200);
      const bad = await hs.upload(a.id, [{ name: "x.jpg", data: Buffer.from("%PDF-1.4") }]);
      expect(bad.statusCode).toBe(415);
      const del = await hs.app.inject({
        method: "DELETE",
        url: `/v1/admin/artworks/${a.id}/images/${res.json().images[0].id}`,
        headers: hs.admin,
      });
      expect(del.statusCode).toBe(200);
      expect(await s3.store.list()).toEqual([]);
    } finally {
      await hs.close();
      await s3.stop();
    }
  });
});
