import { describe, expect, it } from "vitest";
import { type BidAccepted, lotAfterBid, type PublicLot } from "./auction";

const lot: PublicLot = {
  lotId: "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a0001",
  artworkId: "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a0002",
  status: "OPEN",
  startPrice: 100_000,
  currentPrice: 110_000,
  nextMinimum: 120_000,
  bidCount: 1,
  hasReserve: false,
  reserveMet: true,
  buyNowPrice: null,
  premiumBps: 1500,
  softCloseSeconds: 120,
  increments: [{ upTo: null, step: 10_000 }],
  startsAt: "2026-12-06T10:00:00.000Z",
  endsAt: "2026-12-06T12:00:00.000Z",
  scheduledEndsAt: "2026-12-06T12:00:00.000Z",
  leader: { alias: "Bidder 1", you: false },
  you: null,
  hammerPrice: null,
  version: 4,
  serverTime: "2026-12-06T11:00:00.000Z",
};
const accepted = (over: Partial<BidAccepted> = {}): BidAccepted => ({
  bidId: "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a0003",
  lotId: lot.lotId,
  leading: true,
  price: 120_000,
  nextMinimum: 130_000,
  endsAt: "2026-12-06T12:02:00.000Z",
  yourMaximum: 200_000,
  extended: true,
  alias: "Bidder 2",
  status: "OPEN",
  version: 5,
  ...over,
});

describe("lotAfterBid", () => {
  it("shows the caller leading at once, keeping the version for the live change to complete", () => {
    const next = lotAfterBid(lot, accepted());
    expect(next).toMatchObject({
      currentPrice: 120_000,
      nextMinimum: 130_000,
      endsAt: "2026-12-06T12:02:00.000Z",
      leader: { alias: "Bidder 2", you: true },
      you: { alias: "Bidder 2", leading: true, yourMaximum: 200_000, bidCount: 1 },
      version: 4,
      bidCount: 1,
    });
  });

  it("keeps the other leader when a proxy maximum answered", () => {
    const next = lotAfterBid(lot, accepted({ leading: false, price: 130_000, yourMaximum: null }));
    expect(next.leader).toEqual({ alias: "Bidder 1", you: false });
    expect(next.you).toMatchObject({ leading: false, yourMaximum: null });
    expect(next.currentPrice).toBe(130_000);
  });

  it("changes nothing when the cache already holds that version", () => {
    const held = { ...lot, version: 5 };
    expect(lotAfterBid(held, accepted())).toBe(held);
  });
});
