import type { PublicLot } from "@arte/contracts/auction.js";
import type { LiveLotChange, LiveSnapshot } from "@arte/contracts/live.js";
import { describe, expect, it } from "vitest";
import { isExtended, isNewer, mergeLotMessage } from "./live-merge";

const lotId = "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a0001";
const ENDS = "2026-12-06T12:00:00.000Z";

const lot = (over: Partial<PublicLot> = {}): PublicLot => ({
  lotId,
  artworkId: "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a0002",
  status: "OPEN",
  startPrice: 100_000,
  currentPrice: 110_000,
  nextMinimum: 120_000,
  bidCount: 1,
  hasReserve: true,
  reserveMet: false,
  buyNowPrice: null,
  premiumBps: 1500,
  softCloseSeconds: 120,
  increments: [{ upTo: null, step: 10_000 }],
  startsAt: "2026-12-06T10:00:00.000Z",
  endsAt: ENDS,
  scheduledEndsAt: ENDS,
  leader: { alias: "Bidder 1", you: true },
  you: { alias: "Bidder 1", leading: true, yourMaximum: 200_000, bidCount: 1 },
  hammerPrice: null,
  version: 5,
  serverTime: "2026-12-06T11:00:00.000Z",
  ...over,
});

const change = (version: number, over: Partial<LiveLotChange> = {}): LiveLotChange => ({
  type: "lot",
  lotId,
  version,
  kind: "BID",
  at: "2026-12-06T11:30:00.000Z",
  status: "OPEN",
  currentPrice: 130_000,
  nextMinimum: 140_000,
  bidCount: 2,
  endsAt: ENDS,
  reserveMet: true,
  leaderAlias: "Bidder 2",
  ...over,
});

describe("isNewer", () => {
  it("takes anything when nothing is held, then only higher versions", () => {
    expect(isNewer(undefined, 1)).toBe(true);
    expect(isNewer(4, 5)).toBe(true);
    expect(isNewer(5, 5)).toBe(false);
    expect(isNewer(6, 5)).toBe(false);
  });
});

describe("mergeLotMessage", () => {
  it("applies a newer change: price, count, leader, reserve, version; the viewer is outbid", () => {
    const r = mergeLotMessage(lot(), change(6));
    expect(r.applied).toBe(true);
    expect(r.extended).toBe(false);
    expect(r.lot).toMatchObject({
      currentPrice: 130_000,
      nextMinimum: 140_000,
      bidCount: 2,
      reserveMet: true,
      version: 6,
      leader: { alias: "Bidder 2", you: false },
      you: { alias: "Bidder 1", leading: false, yourMaximum: null, bidCount: 1 },
    });
    // what the feed does not carry is kept
    expect(r.lot.premiumBps).toBe(1500);
    expect(r.lot.scheduledEndsAt).toBe(ENDS);
  });

  it("drops a duplicate or an older version without touching the lot", () => {
    const held = lot();
    for (const v of [5, 4, 1]) {
      const r = mergeLotMessage(held, change(v));
      expect(r.applied).toBe(false);
      expect(r.lot).toBe(held);
    }
  });

  it("ignores another lot's message", () => {
    const held = lot();
    const r = mergeLotMessage(held, change(9, { lotId: "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a0009" }));
    expect(r.applied).toBe(false);
  });

  it("marks the viewer leading when the feed names the viewer's alias", () => {
    const held = lot({
      leader: { alias: "Bidder 2", you: false },
      you: { alias: "Bidder 1", leading: false, yourMaximum: null, bidCount: 1 },
    });
    const r = mergeLotMessage(held, change(6, { leaderAlias: "Bidder 1" }));
    expect(r.lot.leader).toEqual({ alias: "Bidder 1", you: true });
    expect(r.lot.you?.leading).toBe(true);
  });

  it("keeps an anonymous viewer anonymous", () => {
    const r = mergeLotMessage(lot({ leader: { alias: "Bidder 1", you: false }, you: null }), change(6));
    expect(r.lot.you).toBeNull();
    expect(r.lot.leader).toEqual({ alias: "Bidder 2", you: false });
  });

  it("replaces the state with a snapshot, even past a gap in versions", () => {
    const snap: LiveSnapshot = {
      type: "snapshot",
      lotId,
      version: 12,
      lot: { ...change(12, { bidCount: 7, currentPrice: 180_000 }) },
    };
    const r = mergeLotMessage(lot(), snap);
    expect(r.applied).toBe(true);
    expect(r.lot).toMatchObject({ version: 12, bidCount: 7, currentPrice: 180_000 });
  });

  it("reports a soft-close extension of an open lot", () => {
    const later = "2026-12-06T12:02:00.000Z";
    const r = mergeLotMessage(lot(), change(6, { endsAt: later }));
    expect(r.extended).toBe(true);
    expect(r.lot.endsAt).toBe(later);
    expect(isExtended(r.lot)).toBe(true);
    expect(isExtended(lot())).toBe(false);
  });

  it("does not call the close of a lot an extension, and sets the hammer price of a sale", () => {
    const r = mergeLotMessage(lot(), change(6, { status: "SOLD", kind: "SOLD", leaderAlias: "Bidder 1" }));
    expect(r.extended).toBe(false);
    expect(r.lot.status).toBe("SOLD");
    expect(r.lot.hammerPrice).toBe(130_000);
    expect(r.lot.leader).toEqual({ alias: "Bidder 1", you: true });
  });
});
