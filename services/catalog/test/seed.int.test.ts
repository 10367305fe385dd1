import { testLogger } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/seed/demo.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe("seedDemo", () => {
  it("creates 7 artists and 40 artworks with generated images across all seven media, once", async () => {
    const first = await seedDemo({ db: h.db, blobs: h.blobs, log: testLogger("catalog") });
    expect(first).toEqual({ artists: 7, artworks: 40, skipped: false });
    const r = await h.app.inject({ method: "GET", url: "/v1/artworks?limit=100" });
    const body = r.json();
    expect(body.total).toBe(40);
    expect(body.facets.medium).toHaveLength(7);
    expect(body.items.every((i: { primaryImage: unknown }) => i.primaryImage)).toBe(true);
    const artists = (await h.app.inject({ method: "GET", url: "/v1/artists" })).json().items;
    expect(artists).toHaveLength(7);
    expect(artists.every((a: { portrait: unknown }) => a.portrait)).toBe(true);
    const img = body.items[0].primaryImage.variants.medium.url;
    expect((await h.app.inject({ method: "GET", url: img })).statusCode).toBe(200);

    const again = await seedDemo({ db: h.db, blobs: h.blobs, log: testLogger("catalog") });
    expect(again.skipped).toBe(true);
    expect((await h.snapshot()).artworks).toBe(40);
  });
});
