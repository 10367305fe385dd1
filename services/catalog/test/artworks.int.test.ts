import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
let artistId: string;
beforeAll(async () => {
  h = await startHarness();
  artistId = (await h.createArtist()).id;
});
afterAll(async () => h?.close());

describe("reference data", () => {
  it("serves the seven media with their themes, styles and techniques in ko and en", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/reference" });
    expect(res.statusCode).toBe(200);
    const ref = res.json();
    expect(ref.media.map((m: { code: string }) => m.code)).toEqual([
      "PAINTING",
      "SCULPTURE",
      "PHOTOGRAPHY",
      "DRAWING",
      "PRINT",
      "PAPER",
      "FIBER",
    ]);
    const sculpture = ref.media[1];
    expect(sculpture).toMatchObject({
      ko: "조각",
      en: "Sculpture",
      techniqueLabel: { ko: "소재", en: "Material" },
    });
    expect(sculpture.techniques).toContainEqual({ code: "BRONZE", ko: "청동", en: "Bronze" });
    expect(ref.sorts).toContain("ending_soon");
  });
});

describe("artworks: admin create, read, update, archive", () => {
  it("creates an artwork with every field and reads it back publicly", async () => {
    const body = h.artworkBody(artistId, { size: { widthCm: 90.9, heightCm: 72.7, depthCm: 3.5 } });
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/admin/artworks",
      headers: h.admin,
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({
      titleKo: body.titleKo,
      titleEn: "A Work",
      artist: { id: artistId, nameKo: "김하늘", nameEn: "Kim Haneul" },
      size: { widthCm: 90.9, heightCm: 72.7, depthCm: 3.5 },
      medium: "PAINTING",
      estimateLow: 1_000_000,
      price: 1_000_000,
      watchCount: 0,
      auction: null,
      primaryImage: null,
      images: [],
      version: 1,
    });
    const pub = await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().watching).toBeNull();
    const [event] = await h.db
      .selectFrom("outbox")
      .selectAll()
      .where("subject", "=", "catalog.artwork.created.v1")
      .execute();
    expect(event).toBeDefined();
  });

  it("refuses the same artist and title twice (409), whatever the case and spacing", async () => {
    const a = await h.createArtwork(artistId, { titleKo: "고요한  바다" });
    expect(a.id).toBeDefined();
    const before = await h.snapshot();
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/admin/artworks",
      headers: h.admin,
      payload: h.artworkBody(artistId, { titleKo: "고요한 바다" }),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("ARTWORK_ALREADY_EXISTS");
    expect(await h.snapshot()).toEqual(before);
  });

  it("updates with the version read; a stale version is 409 VERSION_CONFLICT and changes nothing", async () => {
    const a = await h.createArtwork(artistId);
    const ok = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/artworks/${a.id}`,
      headers: h.admin,
      payload: { version: 1, titleEn: "Renamed", estimateHigh: 3_000_000 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ titleEn: "Renamed", estimateHigh: 3_000_000, version: 2 });
    const stale = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/artworks/${a.id}`,
      headers: h.admin,
      payload: { version: 1, titleEn: "Lost update" },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      code: "VERSION_CONFLICT",
      error: { details: { currentVersion: 2 } },
    });
    const now = await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` });
    expect(now.json().titleEn).toBe("Renamed");
  });

  it("checks a changed medium against the stored theme, style and technique", async () => {
    const a = await h.createArtwork(artistId);
    const res = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/artworks/${a.id}`,
      headers: h.admin,
      payload: { version: 1, medium: "FIBER" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("TAXONOMY_MISMATCH");
  });

  it("archives (then the public 404s it) and refuses to archive twice", async () => {
    const a = await h.createArtwork(artistId);
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/admin/artworks/${a.id}/archive`,
      headers: h.admin,
      payload: { version: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().archivedAt).not.toBeNull();
    expect((await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` })).statusCode).toBe(404);
    expect(
      (await h.app.inject({ method: "GET", url: `/v1/admin/artworks/${a.id}`, headers: h.admin })).statusCode,
    ).toBe(200);
    const again = await h.app.inject({
      method: "POST",
      url: `/v1/admin/artworks/${a.id}/archive`,
      headers: h.admin,
      payload: { version: 2 },
    });
    expect(again.json().code).toBe("ARTWORK_ARCHIVED");
  });

  it("refuses to archive while a lot of the artwork is open (known from the read model)", async () => {
    const a = await h.createArtwork(artistId);
    await h.db
      .insertInto("lot_state")
      .values({
        lot_id: randomUUID(),
        artwork_id: a.id,
        status: "OPEN",
        current_price: 1_000_000,
        bid_count: 0,
        starts_at: new Date(),
        ends_at: new Date(Date.now() + 3600_000),
        version: 2,
      })
      .execute();
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/admin/artworks/${a.id}/archive`,
      headers: h.admin,
      payload: { version: 1 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "ARTWORK_IN_AUCTION", error: { details: { status: "OPEN" } } });
  });

  it("lists every artwork for admins, archived ones included, with a cursor", async () => {
    const first = await h.app.inject({ method: "GET", url: "/v1/admin/artworks?limit=2", headers: h.admin });
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(2);
    const next = await h.app.inject({
      method: "GET",
      url: `/v1/admin/artworks?limit=2&cursor=${first.json().nextCursor}`,
      headers: h.admin,
    });
    expect(next.json().items[0].id).not.toBe(first.json().items[0].id);
    const archived = await h.app.inject({
      method: "GET",
      url: "/v1/admin/artworks?archived=true",
      headers: h.admin,
    });
    expect(archived.json().items.every((i: { archivedAt: string | null }) => i.archivedAt)).toBe(true);
  });
});

describe("artists", () => {
  it("creates, updates with a version, and serves the artist page with their artworks", async () => {
    const artist = await h.createArtist({ nameKo: "이서연", nameEn: "Lee Seoyeon", country: "kr" });
    const aw = await h.createArtwork(artist.id, {
      titleKo: "청동의 숲",
      medium: "SCULPTURE",
      theme: "NATURE",
      style: "OUTDOOR",
      technique: "BRONZE",
    });
    const upd = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/artists/${artist.id}`,
      headers: h.admin,
      payload: { version: 1, nameEn: "Seoyeon Lee" },
    });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ nameEn: "Seoyeon Lee", country: "KR", version: 2, artworkCount: 1 });
    const stale = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/artists/${artist.id}`,
      headers: h.admin,
      payload: { version: 1, nameEn: "X" },
    });
    expect(stale.json().code).toBe("VERSION_CONFLICT");
    const page = await h.app.inject({ method: "GET", url: `/v1/artists/${artist.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.json().artworks.map((a: { id: string }) => a.id)).toEqual([aw.id]);
    // The new name is searchable at once.
    const found = await h.app.inject({ method: "GET", url: "/v1/artworks?q=seoyeon%20lee" });
    expect(found.json().items.map((a: { id: string }) => a.id)).toContain(aw.id);
    const list = await h.app.inject({ method: "GET", url: "/v1/artists" });
    expect(list.json().items.length).toBeGreaterThanOrEqual(2);
    expect((await h.app.inject({ method: "GET", url: `/v1/artists/${randomUUID()}` })).json().code).toBe(
      "ARTIST_NOT_FOUND",
    );
  });
});

describe("bad input: a clear 4xx and nothing stored", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["an unknown medium", { medium: "VIDEO" }],
    ["an unknown theme", { theme: "SPACESHIPS" }],
    ["a theme of another medium", { theme: "FASHION" }],
    ["a negative size", { size: { widthCm: -3, heightCm: 10 } }],
    ["a zero size", { size: { widthCm: 0, heightCm: 10 } }],
    ["two decimals", { size: { widthCm: 10.55, heightCm: 10 } }],
    ["a future completion date", { completionDate: "2999-01-01" }],
    ["an impossible date", { completionDate: "2020-02-30" }],
    ["a free-text size", { size: "90.9 x 72.7 cm" }],
    ["estimates upside down", { estimateLow: 5_000_000, estimateHigh: 1_000_000 }],
    ["a string price", { estimateLow: "1000000" }],
    ["a fractional price", { estimateLow: 1000.5 }],
    ["a country name", { country: "Korea" }],
    ["an unknown field", { auctionStatus: "PROGRESS" }],
    ["an empty title", { titleKo: "   " }],
    ["a control character", { titleKo: "bad\u0007title" }],
  ];
  it.each(cases)("refuses %s with 400", async (_name, over) => {
    const before = await h.snapshot();
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/admin/artworks",
      headers: h.admin,
      payload: h.artworkBody(artistId, over),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().code).toBe("VALIDATION_FAILED");
    expect(await h.snapshot()).toEqual(before);
  });

  it("refuses an unknown artist (404) and unknown artwork ids (404)", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/admin/artworks",
      headers: h.admin,
      payload: h.artworkBody(randomUUID()),
    });
    expect(res.json().code).toBe("ARTIST_NOT_FOUND");
    expect((await h.app.inject({ method: "GET", url: `/v1/artworks/${randomUUID()}` })).json().code).toBe(
      "ARTWORK_NOT_FOUND",
    );
    expect((await h.app.inject({ method: "GET", url: "/v1/artworks/not-a-uuid" })).statusCode).toBe(400);
  });

  it("allows only admins to write: 401 without a token, 403 for a user", async () => {
    const u = await h.user();
    const anon = await h.app.inject({
      method: "POST",
      url: "/v1/admin/artworks",
      payload: h.artworkBody(artistId),
    });
    expect(anon.statusCode).toBe(401);
    const user = await h.app.inject({
      method: "POST",
      url: "/v1/admin/artworks",
      headers: u.headers,
      payload: h.artworkBody(artistId),
    });
    expect(user.statusCode).toBe(403);
  });
});
