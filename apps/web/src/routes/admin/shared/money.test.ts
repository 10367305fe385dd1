import { describe, expect, it } from "vitest";
import { bpsToPercent, percentToBps, premiumOf, refundable, wonOf } from "./money";

describe("premium percent ↔ basis points", () => {
  it("converts exactly, without floating-point drift", () => {
    expect(percentToBps("15")).toBe(1500);
    expect(percentToBps("12.5")).toBe(1250);
    expect(percentToBps("0.07")).toBe(7);
    expect(percentToBps(" 19.99 ")).toBe(1999);
    expect(percentToBps("100")).toBe(10_000);
    expect(percentToBps("0")).toBe(0);
  });

  it("refuses what the contract would refuse", () => {
    for (const bad of ["", "-1", "100.01", "12.345", "abc", "1e2", "101"])
      expect(percentToBps(bad)).toBeNull();
  });

  it("prints the shortest percentage and round-trips", () => {
    expect(bpsToPercent(1500)).toBe("15");
    expect(bpsToPercent(1250)).toBe("12.5");
    expect(bpsToPercent(1225)).toBe("12.25");
    expect(bpsToPercent(7)).toBe("0.07");
    expect(bpsToPercent(0)).toBe("0");
    for (const b of [0, 1, 99, 100, 1234, 9999, 10_000]) expect(percentToBps(bpsToPercent(b))).toBe(b);
  });

  it("rounds the premium up to the won", () => {
    expect(premiumOf(1_000_000, 1500)).toBe(150_000);
    expect(premiumOf(1_001, 1500)).toBe(151);
  });
});

describe("won inputs and refunds", () => {
  it("reads NumberInput values", () => {
    expect(wonOf(120_000)).toBe(120_000);
    expect(wonOf("")).toBeUndefined();
    expect(wonOf("1,200,000")).toBe(1_200_000);
    expect(wonOf("x")).toBeNaN();
  });

  it("refunds at most what is left", () => {
    expect(refundable({ total: 1_150_000, refundedTotal: 150_000 })).toBe(1_000_000);
    expect(refundable({ total: 100, refundedTotal: 100 })).toBe(0);
  });
});
