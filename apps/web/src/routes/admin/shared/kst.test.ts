import { describe, expect, it } from "vitest";
import { isoToKstInput, kstDay, kstDayStartIso, kstInputToIso, kstNextDayStartIso } from "./kst";

describe("Seoul wall time ↔ instants", () => {
  it("reads a datetime-local value as KST", () => {
    expect(kstInputToIso("2026-03-01T09:00")).toBe("2026-03-01T00:00:00.000Z");
    expect(kstInputToIso("2026-03-01T08:30")).toBe("2026-02-28T23:30:00.000Z");
    expect(kstInputToIso("2026-03-01T08:30:15")).toBe("2026-02-28T23:30:15.000Z");
  });

  it("refuses malformed or impossible times", () => {
    expect(kstInputToIso("")).toBeNull();
    expect(kstInputToIso("2026-02-30T10:00")).toBeNull();
    expect(kstInputToIso("2026-03-01T24:00")).toBeNull();
    expect(kstInputToIso("2026-03-01 10:00")).toBeNull();
  });

  it("shows an instant as the Seoul wall time, round-tripping", () => {
    expect(isoToKstInput("2026-02-28T23:30:00.000Z")).toBe("2026-03-01T08:30");
    expect(isoToKstInput("2026-12-31T15:00:00+00:00")).toBe("2027-01-01T00:00");
    expect(kstInputToIso(isoToKstInput("2026-05-05T05:05:00.000Z"))).toBe("2026-05-05T05:05:00.000Z");
  });

  it("knows the Seoul day and its bounds", () => {
    expect(kstDay(Date.parse("2026-03-01T14:59:59Z"))).toBe("2026-03-01");
    expect(kstDay(Date.parse("2026-03-01T15:00:00Z"))).toBe("2026-03-02");
    expect(kstDayStartIso("2026-03-02")).toBe("2026-03-01T15:00:00.000Z");
    expect(kstNextDayStartIso("2026-12-31")).toBe("2026-12-31T15:00:00.000Z");
  });
});
