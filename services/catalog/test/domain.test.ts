import {
  auction,
  catalog,
  type EventSchema,
  SERVICE_OPERATIONS,
  STREAMS,
  SUBSCRIPTIONS,
} from "@arte/contracts";
import { describe, expect, it } from "vitest";
import { isBlobKey } from "../src/blob/blob-store.js";
import { isAcceptableFileName, sniffImageFormat } from "../src/modules/images/image.domain.js";
import {
  decodeListingCursor,
  encodeListingCursor,
  likeEscape,
} from "../src/modules/listing/cursor.domain.js";

describe("image type from content", () => {
  it.each([
    [[0xff, 0xd8, 0xff, 0xe0], "jpeg"],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "png"],
    [[...Buffer.from("RIFF"), 0, 0, 0, 0, ...Buffer.from("WEBP")], "webp"],
    [[...Buffer.from("%PDF-1.7")], null],
    [[...Buffer.from("GIF89a")], null],
    [[], null],
  ])("%j → %s", (bytes, format) => {
    expect(sniffImageFormat(Buffer.from(bytes))).toBe(format);
  });

  it.each([
    ["photo.jpg", true],
    ["사진 1.png", true],
    [undefined, true],
    ["../x.jpg", false],
    ["a/b.jpg", false],
    ["a\\b.jpg", false],
    ["..", false],
    ["x\u0000.jpg", false],
  ])("file name %j acceptable: %s", (name, ok) => {
    expect(isAcceptableFileName(name)).toBe(ok);
  });

  it("blob keys are one random segment, never a path", () => {
    expect(isBlobKey("AAAAAAAAAAAAAAAAAAAAAA.thumb.webp")).toBe(true);
    expect(isBlobKey("../AAAAAAAAAAAAAAAAAAAA.thumb.webp")).toBe(false);
    expect(isBlobKey("AAAAAAAAAAAAAAAAAAAAAA.thumb.webp/..")).toBe(false);
  });
});

describe("listing cursor", () => {
  it("round-trips and is bound to its sort", () => {
    const c = { sort: "price_asc" as const, key: 1_500_000, id: "0b9a3c56-6c1f-4a53-9d6e-2b1c3c2f9a10" };
    const raw = encodeListingCursor(c);
    expect(decodeListingCursor(raw, "price_asc")).toEqual(c);
    expect(decodeListingCursor(raw, "newest")).toBeNull();
    expect(decodeListingCursor("garbage", "newest")).toBeNull();
  });
  it("escapes LIKE wildcards", () => {
    expect(likeEscape("100%_\\")).toBe("100\\%\\_\\\\");
  });
});

describe("catalog and auction contracts", () => {
  const events: EventSchema[] = [...catalog.catalogEvents, ...auction.lotEvents];
  it("name events <context>.<entity>.<verb>.v<N>, each under exactly one stream", () => {
    for (const e of events) {
      const type = e.shape.type.value;
      expect(type).toMatch(/^[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$/);
      expect(STREAMS.filter((s) => s.subjects.some((p) => type.startsWith(p.slice(0, -1))))).toHaveLength(1);
    }
  });
  it("registers the catalog's operations and its subscription to every lot event", () => {
    expect(SERVICE_OPERATIONS.catalog).toBe(catalog.catalogOperations);
    const sub = SUBSCRIPTIONS.find((s) => s.service === "catalog");
    expect(sub?.stream).toBe("AUCTION");
    expect(sub?.events).toHaveLength(7);
  });
  it("give upload operations a body limit of files × 15 MB", () => {
    expect(catalog.catalogOperations.adminUploadImages.bodyLimit).toBeGreaterThanOrEqual(
      10 * 15 * 1024 * 1024,
    );
  });
  it("check theme, style and technique against the medium", () => {
    expect(
      catalog.taxonomyIssues({ medium: "SCULPTURE", theme: "NUDE", style: "BUST", technique: "STONE" }),
    ).toEqual([]);
    expect(
      catalog.taxonomyIssues({ medium: "SCULPTURE", theme: "NUDE", style: "BUST", technique: "OIL" }),
    ).toHaveLength(1);
  });
  it("refuse out-of-range lot snapshots", () => {
    const ok = {
      lotId: "0b9a3c56-6c1f-4a53-9d6e-2b1c3c2f9a10",
      artworkId: "0b9a3c56-6c1f-4a53-9d6e-2b1c3c2f9a11",
      status: "OPEN",
      currentPrice: 1000,
      bidCount: 0,
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: "2026-01-02T00:00:00Z",
      version: 1,
    };
    expect(auction.LotSnapshot.safeParse(ok).success).toBe(true);
    for (const bad of [
      { version: 0 },
      { currentPrice: -1 },
      { currentPrice: 1.5 },
      { status: "WAIT" },
      { bidCount: -1 },
    ])
      expect(auction.LotSnapshot.safeParse({ ...ok, ...bad }).success).toBe(false);
  });
});
