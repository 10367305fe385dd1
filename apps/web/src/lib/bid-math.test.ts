import { describe, expect, it } from "vitest";
import { bidMaximum, bidProblem, bidSummary, holdAmount, incrementAt, premiumOf } from "./bid-math";

describe("premium and hold, as the auction service computes them", () => {
  it.each([
    // amount, bps, premium, hold
    [100_000, 1500, 15_000, 115_000],
    [1, 1500, 1, 2],
    [3, 3333, 1, 4],
    [123_457, 1500, 18_519, 141_976],
    [500_000, 0, 0, 500_000],
    [10_000, 10_000, 10_000, 20_000],
    [999_999_999_999_999, 1500, 150_000_000_000_000, 1_149_999_999_999_999],
  ])("%i at %i bps: premium %i, hold %i", (amount, bps, premium, hold) => {
    expect(premiumOf(amount, bps)).toBe(premium);
    expect(holdAmount(amount, bps)).toBe(hold);
  });

  it("holds on the maximum when one is named, else on the amount", () => {
    expect(bidMaximum(100_000)).toBe(100_000);
    expect(bidMaximum(100_000, null)).toBe(100_000);
    expect(bidMaximum(100_000, 250_000)).toBe(250_000);
    // a maximum below the amount is the server's INVALID_MAXIMUM; the larger one is what it would hold
    expect(bidMaximum(100_000, 50_000)).toBe(100_000);
  });
});

describe("bidSummary", () => {
  it("shows amount, premium and total, and holds amount × (1 + premium) without a maximum", () => {
    expect(bidSummary(120_000, null, 1500)).toEqual({
      amount: 120_000,
      maximum: null,
      premium: 18_000,
      total: 138_000,
      premiumAtMaximum: null,
      totalAtMaximum: null,
      hold: 138_000,
    });
  });

  it("holds the maximum × (1 + premium) with a proxy maximum", () => {
    expect(bidSummary(120_000, 300_001, 1500)).toEqual({
      amount: 120_000,
      maximum: 300_001,
      premium: 18_000,
      total: 138_000,
      premiumAtMaximum: 45_001,
      totalAtMaximum: 345_002,
      hold: 345_002,
    });
  });

  it("ignores a maximum equal to the amount", () => {
    const s = bidSummary(120_000, 120_000, 1500);
    expect(s.maximum).toBeNull();
    expect(s.hold).toBe(138_000);
  });
});

describe("bidProblem", () => {
  it("accepts an amount at or above the next minimum, with a maximum at or above it", () => {
    expect(bidProblem(130_000, null, 130_000)).toBeNull();
    expect(bidProblem(150_000, 150_000, 130_000)).toBeNull();
    expect(bidProblem(150_000, 500_000, 130_000)).toBeNull();
  });

  it("names what is wrong", () => {
    expect(bidProblem(null, null, 130_000)).toBe("AMOUNT_REQUIRED");
    expect(bidProblem(0, null, 130_000)).toBe("AMOUNT_REQUIRED");
    expect(bidProblem(1.5, null, 1)).toBe("AMOUNT_REQUIRED");
    expect(bidProblem(129_999, null, 130_000)).toBe("BELOW_MINIMUM");
    expect(bidProblem(150_000, 140_000, 130_000)).toBe("MAX_BELOW_AMOUNT");
  });
});

describe("incrementAt", () => {
  const table = [
    { upTo: 1_000_000, step: 50_000 },
    { upTo: 5_000_000, step: 100_000 },
    { upTo: null, step: 500_000 },
  ];
  it("gives the step of the tier the price is below", () => {
    expect(incrementAt(0, table)).toBe(50_000);
    expect(incrementAt(999_999, table)).toBe(50_000);
    expect(incrementAt(1_000_000, table)).toBe(100_000);
    expect(incrementAt(80_000_000, table)).toBe(500_000);
  });
  it("falls back to a positive step for an empty table", () => {
    expect(incrementAt(10, [])).toBe(1);
  });
});
