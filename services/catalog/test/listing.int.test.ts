import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLotEvent } from "../src/consumers/auction-events.consumer.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
type Item = {
  id: string;
  price: number;
  watchCount: number;
  auction: { status: string; bidCount: number; endsAt: string } | null;
};
const ids = (items: Item[]) => items.map((i) => i.id);
let kim: string;
let lee: string;
const art = {} as Record<"sea" | "forest" | "bronze" | "photo" | "none", string> & Record<string, string>;

async function lot(
  artworkId: string,
  over: Partial<{
    status: string;
    currentPrice: number;
    bidCount: number;
    endsInMin: number;
    version: number;
  }> = {},
) {
  const now = Date.now();
  await applyLotEvent(h.db, "test", {
    id: randomUUID(),
    data: {
      lotId: randomUUID(),
      artworkId,
      status: (over.status ?? "OPEN") as "OPEN",
      currentPrice: over.currentPrice ?? 1_000_000,
      bidCount: over.bidCount ?? 0,
      startsAt: new Date(now - 3600_000).toISOString(),
      endsAt: new Date(now + (over.endsInMin ?? 60) * 60_000).toISOString(),
      version: over.version ?? 1,
    },
  });
}

async function list(query: string) {
  const res = await h.app.inject({ method: "GET", url: `/v1/artworks?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: Item[];
    nextCursor: string | null;
    total?: number;
    facets: Record<string, { value: string; count: number }[]> | null;
  };
}

beforeAll(async () => {
  h = await startHarness();
  kim = (await h.createArtist({ nameKo: "김하늘", nameEn: "Kim Haneul" })).id;
  lee = (await h.createArtist({ nameKo: "이서연", nameEn: "Lee Seoyeon" })).id;
  art.sea = (
    await h.createArtwork(kim, {
      titleKo: "푸른 바다의 기억",
      titleEn: "Memory of the Blue Sea",
      estimateLow: 3_000_000,
      estimateHigh: 4_000_000,
    })
  ).id;
  art.forest = (
    await h.createArtwork(kim, {
      titleKo: "숲",
      titleEn: "Forest",
      description: "새벽의 숲. A forest at dawn.",
      estimateLow: 500_000,
      estimateHigh: 900_000,
    })
  ).id;
  art.bronze = (
    await h.createArtwork(lee, {
      titleKo: "청동 새",
      titleEn: "Bronze Bird",
      medium: "SCULPTURE",
      theme: "ANIMALS",
      style: "OUTDOOR",
      technique: "BRONZE",
      estimateLow: 8_000_000,
      estimateHigh: 9_000_000,
    })
  ).id;
  art.photo = (
    await h.createArtwork(lee, {
      titleKo: "도시의 밤",
      titleEn: "City Night",
      medium: "PHOTOGRAPHY",
      theme: "URBAN",
      style: "BLACK_AND_WHITE",
      technique: "FILM",
      estimateLow: 1_500_000,
      estimateHigh: 2_000_000,
    })
  ).id;
  art.none = (
    await h.createArtwork(lee, {
      titleKo: "100% 순수",
      titleEn: "Pure_100",
      estimateLow: 2_000_000,
      estimateHigh: 2_500_000,
    })
  ).id;
  await lot(art.sea, { currentPrice: 5_000_000, bidCount: 7, endsInMin: 30 });
  await lot(art.forest, { currentPrice: 700_000, bidCount: 2, endsInMin: 10 });
  await lot(art.bronze, { status: "SCHEDULED", currentPrice: 8_000_000, endsInMin: 600 });
  await lot(art.photo, { status: "SOLD", currentPrice: 2_200_000, bidCount: 4, endsInMin: -60 });
});
afterAll(async () => h?.close());

describe("search", () => {
  it.each([
    ["바다", ["sea"]],
    ["blue sea", ["sea"]],
    ["BLUE", ["sea"]],
    ["하늘", ["sea", "forest"]],
    ["seoyeon", ["bronze", "photo", "none"]],
    ["dawn", ["forest"]],
    ["100%", ["none"]],
    ["pure_", ["none"]],
    ["nothing-like-this", []],
  ])("q=%s finds %j (title, artist, description; ko/en; partial; case-insensitive)", async (q, names) => {
    const r = await list(`q=${encodeURIComponent(q)}`);
    expect(new Set(ids(r.items))).toEqual(new Set(names.map((n) => art[n])));
  });
});

describe("filters", () => {
  it("by medium, theme, style, technique, artist, auction status and price range", async () => {
    expect(ids((await list("medium=SCULPTURE")).items)).toEqual([art.bronze]);
    expect(ids((await list("theme=URBAN&style=BLACK_AND_WHITE&technique=FILM")).items)).toEqual([art.photo]);
    expect(new Set(ids((await list(`artistId=${kim}`)).items))).toEqual(new Set([art.sea, art.forest]));
    expect(new Set(ids((await list("status=OPEN")).items))).toEqual(new Set([art.sea, art.forest]));
    expect(ids((await list("status=NONE")).items)).toEqual([art.none]);
    // price = current price when a lot exists, else the low estimate
    expect(new Set(ids((await list("minPrice=2000000&maxPrice=5000000")).items))).toEqual(
      new Set([art.sea, art.photo, art.none]),
    );
  });

  it("refuses unknown values and inverted ranges with 400", async () => {
    for (const q of [
      "medium=VIDEO",
      "status=PROGRESS",
      "sort=random",
      "minPrice=-1",
      "minPrice=5&maxPrice=1",
      "limit=0",
      "limit=101",
      "foo=bar",
    ]) {
      const res = await h.app.inject({ method: "GET", url: `/v1/artworks?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
  });
});

describe("sorts and live auction state", () => {
  it("every item carries the lot's status, price, bid count and end time", async () => {
    const r = await list(`q=${encodeURIComponent("푸른")}`);
    expect(r.items[0]!.auction).toMatchObject({ status: "OPEN", currentPrice: 5_000_000, bidCount: 7 });
    expect(r.items[0]!.price).toBe(5_000_000);
  });

  it.each([
    ["ending_soon", ["forest", "sea", "bronze"]],
    ["price_asc", ["forest", "none", "photo", "sea", "bronze"]],
    ["price_desc", ["bronze", "sea", "photo", "none", "forest"]],
    ["most_bids", ["sea", "photo", "forest"]],
    ["newest", ["none", "photo", "bronze", "forest", "sea"]],
  ])("sort=%s", async (sort, order) => {
    const got = ids((await list(`sort=${sort}`)).items);
    expect(got.slice(0, order.length)).toEqual(order.map((n) => art[n]));
  });

  it("pages with a stable keyset cursor: every item once, in order, whatever the page size", async () => {
    for (const sort of ["ending_soon", "newest", "price_asc", "price_desc", "most_bids", "most_watched"]) {
      const all = ids((await list(`sort=${sort}&limit=100`)).items);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await list(`sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        paged.push(...ids(r.items));
        expect(r.facets === null).toBe(cursor !== null);
        cursor = r.nextCursor;
      } while (cursor);
      expect(paged, sort).toEqual(all);
    }
  });

  it("refuses a cursor of another sort or a forged one", async () => {
    const r = await list("sort=price_asc&limit=1");
    for (const q of [`sort=newest&cursor=${r.nextCursor}`, "cursor=Zm9v", "cursor=%5B%5D"]) {
      const res = await h.app.inject({ method: "GET", url: `/v1/artworks?${q}` });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("CURSOR_INVALID");
    }
  });

  it("counts facets under the same filters", async () => {
    const r = await list("");
    expect(r.total).toBe(5);
    expect(r.facets!.medium).toContainEqual({ value: "PAINTING", count: 3 });
    expect(r.facets!.status).toContainEqual({ value: "OPEN", count: 2 });
    const s = await list(`artistId=${lee}`);
    expect(s.total).toBe(3);
    expect(s.facets!.technique).toContainEqual({ value: "BRONZE", count: 1 });
  });
});

describe("watchlist", () => {
  it("watch is idempotent, counts watchers, lists mine, unwatch is idempotent; events through the outbox", async () => {
    const u1 = await h.user();
    const u2 = await h.user();
    const watch = (u: { headers: Record<string, string> }, id: string, method: "PUT" | "DELETE" = "PUT") =>
      h.app.inject({ method, url: `/v1/me/watchlist/${id}`, headers: u.headers });
    expect((await watch(u1, art.sea)).json()).toEqual({ artworkId: art.sea, watching: true, watchCount: 1 });
    expect((await watch(u1, art.sea)).json()).toEqual({ artworkId: art.sea, watching: true, watchCount: 1 });
    expect((await watch(u2, art.sea)).json().watchCount).toBe(2);
    await watch(u1, art.forest);
    const mine = await h.app.inject({ method: "GET", url: "/v1/me/watchlist?limit=1", headers: u1.headers });
    expect(ids(mine.json().items)).toEqual([art.forest]);
    const next = await h.app.inject({
      method: "GET",
      url: `/v1/me/watchlist?limit=1&cursor=${mine.json().nextCursor}`,
      headers: u1.headers,
    });
    expect(ids(next.json().items)).toEqual([art.sea]);
    expect(next.json().nextCursor).toBeNull();

    const detail = await h.app.inject({ method: "GET", url: `/v1/artworks/${art.sea}`, headers: u1.headers });
    expect(detail.json()).toMatchObject({ watchCount: 2, watching: true });
    expect(ids((await list("sort=most_watched")).items)[0]).toBe(art.sea);

    expect((await watch(u2, art.sea, "DELETE")).json()).toEqual({
      artworkId: art.sea,
      watching: false,
      watchCount: 1,
    });
    expect((await watch(u2, art.sea, "DELETE")).json().watchCount).toBe(1);

    const events = await h.db
      .selectFrom("outbox")
      .select(["subject", "payload"])
      .where("subject", "in", ["catalog.artwork.watched.v1", "catalog.artwork.unwatched.v1"])
      .orderBy("seq")
      .execute();
    expect(events.map((e) => e.subject)).toEqual([
      "catalog.artwork.watched.v1",
      "catalog.artwork.watched.v1",
      "catalog.artwork.watched.v1",
      "catalog.artwork.unwatched.v1",
    ]);

    // Public responses never carry a watcher's (or bidder's) user id.
    for (const url of ["/v1/artworks", `/v1/artworks/${art.sea}`, `/v1/artists/${kim}`]) {
      const body = (await h.app.inject({ method: "GET", url })).body;
      expect(body).not.toContain(u1.id);
      expect(body).not.toContain(u2.id);
    }
  });

  it("needs a signed-in user, and a live artwork", async () => {
    expect((await h.app.inject({ method: "PUT", url: `/v1/me/watchlist/${art.sea}` })).statusCode).toBe(401);
    const u = await h.user();
    const res = await h.app.inject({
      method: "PUT",
      url: `/v1/me/watchlist/${randomUUID()}`,
      headers: u.headers,
    });
    expect(res.json().code).toBe("ARTWORK_NOT_FOUND");
  });
});
