import { describe, expect, it } from "vitest";
import { estimateOffset, formatDuration } from "./time";

describe("estimateOffset", () => {
  it("is null without readings", () => {
    expect(estimateOffset([])).toBeNull();
  });

  it("takes the server's reading as the midpoint of the round trip", () => {
    // sent at 1000, answered at 1100: the server read 5050 at device time 1050
    expect(estimateOffset([{ serverMs: 5050, sentAt: 1000, receivedAt: 1100 }])).toBe(4000);
    // a device clock ahead of the server gives a negative offset
    expect(estimateOffset([{ serverMs: 900, sentAt: 1000, receivedAt: 1020 }])).toBe(-110);
  });

  it("trusts the reading with the shortest round trip", () => {
    const samples = [
      { serverMs: 10_000, sentAt: 1000, receivedAt: 3000 }, // 2 s round trip: off by up to 1 s
      { serverMs: 12_010, sentAt: 4000, receivedAt: 4020 }, // 20 ms
      { serverMs: 15_500, sentAt: 5000, receivedAt: 5600 },
    ];
    expect(estimateOffset(samples)).toBe(8000);
  });

  it("ignores a reading whose clock went backwards", () => {
    expect(
      estimateOffset([
        { serverMs: 0, sentAt: 2000, receivedAt: 1000 },
        { serverMs: 3000, sentAt: 1000, receivedAt: 1000 },
      ]),
    ).toBe(2000);
  });
});

describe("formatDuration", () => {
  it("formats minutes, hours and days", () => {
    expect(formatDuration(65_000)).toBe("01:05");
    expect(formatDuration(3_600_000 + 5_000)).toBe("01:00:05");
    expect(formatDuration(86_400_000 * 2 + 1000)).toBe("2d 00:00:01");
    expect(formatDuration(-5)).toBe("00:00");
  });
});
