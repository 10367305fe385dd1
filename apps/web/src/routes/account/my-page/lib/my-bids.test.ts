import { describe, expect, it } from "vitest";
import type { MyBid } from "../../../../hooks/api/history";
import { myBidView, parseBidState } from "./my-bids";

const bid = (over: Partial<MyBid> = {}): MyBid => ({
  lotId: "11111111-1111-4111-8111-111111111111",
  artworkId: "22222222-2222-4222-8222-222222222222",
  artwork: {
    titleKo: "푸른 정원",
    titleEn: "Blue Garden",
    artistNameKo: "이서연",
    artistNameEn: "Lee Seoyeon",
    primaryImage: null,
    archived: false,
  },
  state: "LEADING",
  alias: "Bidder 2",
  myHighestBid: 1_200_000,
  myBidCount: 2,
  lastBidAt: "2025-05-01T10:00:00+09:00",
  currentPrice: 1_100_000,
  bidCount: 5,
  endsAt: "2025-05-02T10:00:00+09:00",
  lotStatus: "OPEN",
  ...over,
});

describe("a row of my bids", () => {
  it("links to the artwork's lot page", () => {
    expect(myBidView(bid(), "ko").href).toBe("/artworks/22222222-2222-4222-8222-222222222222");
  });

  it("names the artwork in the user's language, English falling back to Korean", () => {
    expect(myBidView(bid(), "ko")).toMatchObject({ title: "푸른 정원", artist: "이서연" });
    expect(myBidView(bid(), "en")).toMatchObject({ title: "Blue Garden", artist: "Lee Seoyeon" });
    const noEn = bid({ artwork: { ...bid().artwork!, titleEn: null } });
    expect(myBidView(noEn, "en").title).toBe("푸른 정원");
  });

  it("has no title until the artwork is known", () => {
    expect(myBidView(bid({ artwork: null }), "ko")).toMatchObject({ title: null, artist: null, image: null });
  });

  it("shows the current price of an open lot, the hammer price of a won one, the final price of a lost one", () => {
    expect(myBidView(bid(), "ko")).toMatchObject({ live: true, priceKind: "current", price: 1_100_000 });
    expect(myBidView(bid({ state: "OUTBID" }), "ko")).toMatchObject({ live: true, priceKind: "current" });
    expect(myBidView(bid({ state: "WON", lotStatus: "SOLD" }), "ko")).toMatchObject({
      live: false,
      priceKind: "hammer",
    });
    expect(myBidView(bid({ state: "LOST", lotStatus: "SOLD" }), "ko")).toMatchObject({
      live: false,
      priceKind: "final",
    });
  });

  it("reads a ?state= filter", () => {
    expect(parseBidState("outbid")).toBe("OUTBID");
    expect(parseBidState("WON")).toBe("WON");
    expect(parseBidState("all")).toBeUndefined();
    expect(parseBidState(null)).toBeUndefined();
  });
});
