import { describe, expect, it } from "vitest";
import {
  type BidState,
  closeOutcome,
  DEFAULT_INCREMENTS,
  holdAmount,
  incrementAt,
  incrementTableProblem,
  isRejection,
  nextMinimum,
  premiumOf,
  replayBids,
  resolveBid,
  softClose,
} from "./bidding.domain.js";

const base: BidState = {
  startPrice: 100_000,
  price: 100_000,
  leader: null,
  reserve: null,
  buyNow: null,
  increments: DEFAULT_INCREMENTS,
};

describe("incrementAt", () => {
  it.each([
    [0, 10_000],
    [999_999, 10_000],
    [1_000_000, 50_000],
    [4_999_999, 50_000],
    [5_000_000, 100_000],
    [9_999_999, 100_000],
    [10_000_000, 500_000],
    [49_999_999, 500_000],
    [50_000_000, 1_000_000],
    [900_000_000_000, 1_000_000],
  ])("at %i the step is %i", (price, step) => {
    expect(incrementAt(price)).toBe(step);
  });

  it.each([
    [[], "empty"],
    [[{ upTo: 10, step: 1 }], "unbounded"],
    [
      [
        { upTo: 10, step: 1 },
        { upTo: 5, step: 1 },
        { upTo: null, step: 1 },
      ],
      "increase",
    ],
    [[{ upTo: null, step: 0 }], "positive"],
  ])("refuses a bad table %#", (table, problem) => {
    expect(incrementTableProblem(table)).toContain(problem);
  });
  it("accepts the default table", () => expect(incrementTableProblem(DEFAULT_INCREMENTS)).toBeNull());
});

describe("nextMinimum", () => {
  it.each([
    [{ ...base }, 100_000],
    [{ ...base, price: 120_000, leader: { userId: "a", max: 120_000 } }, 130_000],
    [{ ...base, price: 1_000_000, leader: { userId: "a", max: 1_000_000 } }, 1_050_000],
    [{ ...base, price: 990_000, leader: { userId: "a", max: 990_000 } }, 1_000_000],
  ])("%# → %i", (state, min) => expect(nextMinimum(state)).toBe(min));
});

describe("resolveBid", () => {
  const led = (userId: string, max: number, price: number): BidState => ({
    ...base,
    price,
    leader: { userId, max },
  });
  const cases: {
    name: string;
    state: BidState;
    bid: { userId: string; amount: number; maxAmount?: number };
    expect: Record<string, unknown>;
  }[] = [
    {
      name: "first bid at the start price",
      state: base,
      bid: { userId: "b", amount: 100_000 },
      expect: { price: 100_000, bidderLeads: true, leader: { userId: "b", max: 100_000 } },
    },
    {
      name: "first bid below the start price",
      state: base,
      bid: { userId: "b", amount: 90_000 },
      expect: { code: "BID_TOO_LOW", nextMinimum: 100_000 },
    },
    {
      name: "first bid with a maximum: price is the amount",
      state: base,
      bid: { userId: "b", amount: 100_000, maxAmount: 500_000 },
      expect: { price: 100_000, leader: { userId: "b", max: 500_000 } },
    },
    {
      name: "below the increment",
      state: led("a", 200_000, 200_000),
      bid: { userId: "b", amount: 205_000 },
      expect: { code: "BID_TOO_LOW", nextMinimum: 210_000 },
    },
    {
      name: "challenger beats a plain leader",
      state: led("a", 200_000, 200_000),
      bid: { userId: "b", amount: 210_000 },
      expect: { price: 210_000, bidderLeads: true, displaced: { userId: "a", max: 200_000 } },
    },
    {
      name: "leader's proxy answers one step above the challenger",
      state: led("a", 500_000, 200_000),
      bid: { userId: "b", amount: 300_000 },
      expect: { price: 310_000, bidderLeads: false, leader: { userId: "a", max: 500_000 } },
    },
    {
      name: "leader's proxy capped at its maximum",
      state: led("a", 500_000, 200_000),
      bid: { userId: "b", amount: 495_000 },
      expect: { price: 500_000, bidderLeads: false },
    },
    {
      name: "equal maxima: the earlier leads at that maximum",
      state: led("a", 500_000, 200_000),
      bid: { userId: "b", amount: 300_000, maxAmount: 500_000 },
      expect: { price: 500_000, bidderLeads: false, leader: { userId: "a", max: 500_000 } },
    },
    {
      name: "higher maximum takes the lead one step above the old maximum",
      state: led("a", 500_000, 200_000),
      bid: { userId: "b", amount: 300_000, maxAmount: 800_000 },
      expect: { price: 510_000, bidderLeads: true, leader: { userId: "b", max: 800_000 } },
    },
    {
      name: "higher maximum, one step would exceed it: capped at the challenger's maximum",
      state: led("a", 500_000, 200_000),
      bid: { userId: "b", amount: 300_000, maxAmount: 505_000 },
      expect: { price: 505_000, bidderLeads: true },
    },
    {
      name: "challenger's amount above the beat price: the amount stands",
      state: led("a", 250_000, 200_000),
      bid: { userId: "b", amount: 400_000, maxAmount: 900_000 },
      expect: { price: 400_000, bidderLeads: true },
    },
    {
      name: "leader bidding again without raising",
      state: led("a", 500_000, 200_000),
      bid: { userId: "a", amount: 210_000 },
      expect: { code: "ALREADY_LEADING", yourMaximum: 500_000 },
    },
    {
      name: "leader raises the maximum: price unchanged",
      state: led("a", 500_000, 200_000),
      bid: { userId: "a", amount: 210_000, maxAmount: 900_000 },
      expect: { kind: "RAISE", price: 200_000, moved: false, leader: { userId: "a", max: 900_000 } },
    },
    {
      name: "maximum below the amount",
      state: base,
      bid: { userId: "b", amount: 200_000, maxAmount: 150_000 },
      expect: { code: "INVALID_MAXIMUM" },
    },
    {
      name: "reserve: a maximum at the reserve lifts the price to it",
      state: { ...base, reserve: 400_000 },
      bid: { userId: "b", amount: 100_000, maxAmount: 450_000 },
      expect: { price: 400_000, bidderLeads: true },
    },
    {
      name: "reserve: a maximum below it leaves the price",
      state: { ...base, reserve: 400_000 },
      bid: { userId: "b", amount: 100_000, maxAmount: 350_000 },
      expect: { price: 100_000 },
    },
    {
      name: "buy-now at the price takes the lot",
      state: { ...led("a", 900_000, 200_000), buyNow: 1_000_000 },
      bid: { userId: "b", amount: 1_000_000 },
      expect: {
        kind: "BUY_NOW",
        price: 1_000_000,
        closesLot: true,
        displaced: { userId: "a", max: 900_000 },
      },
    },
    {
      name: "buy-now above the price pays the buy-now price",
      state: { ...base, buyNow: 1_000_000 },
      bid: { userId: "b", amount: 1_200_000 },
      expect: { kind: "BUY_NOW", price: 1_000_000, closesLot: true },
    },
    {
      name: "buy-now no longer applies once the price passed it",
      state: { ...led("a", 2_000_000, 1_100_000), buyNow: 1_000_000 },
      bid: { userId: "b", amount: 1_200_000 },
      expect: { kind: "BID", price: 1_250_000, bidderLeads: false },
    },
  ];
  it.each(cases)("$name", ({ state, bid, expect: want }) => {
    expect(resolveBid(state, bid)).toMatchObject(want);
  });
});

describe("softClose", () => {
  const end = new Date("2030-01-01T12:00:00Z");
  it.each([
    [-600_000, false, end.getTime()],
    [-180_000, false, end.getTime()],
    [-179_999, true, end.getTime() - 179_999 + 180_000],
    [-1, true, end.getTime() - 1 + 180_000],
  ])("a bid %i ms from the end: extended=%s", (offset, extended, at) => {
    const r = softClose(new Date(end.getTime() + offset), end, 180);
    expect(r.extended).toBe(extended);
    expect(r.endsAt.getTime()).toBe(at);
  });
  it("a zero window never extends", () =>
    expect(softClose(new Date(end.getTime() - 1), end, 0).extended).toBe(false));
});

describe("closeOutcome", () => {
  it.each([
    [
      { price: 0, leader: null, reserve: null },
      { status: "UNSOLD", reason: "NO_BIDS" },
    ],
    [
      { price: 300_000, leader: { userId: "a", max: 300_000 }, reserve: 400_000 },
      { status: "UNSOLD", reason: "RESERVE_NOT_MET" },
    ],
    [
      { price: 400_000, leader: { userId: "a", max: 500_000 }, reserve: 400_000 },
      { status: "SOLD", winnerUserId: "a", hammerPrice: 400_000, premium: 60_000, total: 460_000 },
    ],
    [
      { price: 123_457, leader: { userId: "a", max: 200_000 }, reserve: null },
      { status: "SOLD", hammerPrice: 123_457, premium: 18_519 },
    ],
  ])("%# %o", (state, want) => expect(closeOutcome(state, 1500)).toMatchObject(want));
});

describe("premium and hold amounts", () => {
  it.each([
    [100_000, 1500, 15_000, 115_000],
    [1, 1500, 1, 2],
    [3, 3333, 1, 4],
    [999_999_999_999_999, 1500, 150_000_000_000_000, 1_149_999_999_999_999],
    [500_000, 0, 0, 500_000],
  ])("%i at %i bps: premium %i, hold %i", (amount, bps, premium, hold) => {
    expect(premiumOf(amount, bps)).toBe(premium);
    expect(holdAmount(amount, bps)).toBe(hold);
  });
});

describe("replayBids", () => {
  it("gives the price and leader of a sequence", () => {
    const r = replayBids(base, [
      { userId: "a", amount: 100_000, maxAmount: 300_000 },
      { userId: "b", amount: 150_000 },
      { userId: "b", amount: 320_000, maxAmount: 400_000 },
      { userId: "a", amount: 420_000 },
      { userId: "c", amount: 10 },
    ]);
    expect(r).toEqual({ price: 420_000, leader: { userId: "a", max: 420_000 }, rejected: 1 });
  });
  it("isRejection tells answers apart", () => {
    expect(isRejection(resolveBid(base, { userId: "a", amount: 1 }))).toBe(true);
    expect(isRejection(resolveBid(base, { userId: "a", amount: 100_000 }))).toBe(false);
  });
});
