import { describe, expect, it } from "vitest";
import { myState } from "../src/modules/mybids/mybids.domain.js";
import {
  aliasNumber,
  nextAlias,
  primaryImageOf,
  storedImage,
} from "../src/modules/projection/projection.domain.js";
import { image } from "./helpers.js";

describe("myState", () => {
  const me = "u-me";
  const lot = (status: string, leaderUserId: string | null, winnerUserId: string | null = null) =>
    ({ status, leaderUserId, winnerUserId }) as Parameters<typeof myState>[0];
  it.each([
    [lot("OPEN", me), "LEADING"],
    [lot("OPEN", "x"), "OUTBID"],
    [lot("OPEN", null), "OUTBID"],
    [lot("CLOSED", me), "LEADING"],
    [lot("CLOSED", "x"), "OUTBID"],
    [lot("SOLD", me, me), "WON"],
    [lot("SOLD", "x", me), "WON"],
    [lot("SOLD", me, "x"), "LOST"],
    [lot("SOLD", me, null), "WON"],
    [lot("UNSOLD", me), "LOST"],
    [lot("CANCELLED", me), "LOST"],
  ])("%o → %s", (l, state) => expect(myState(l, me)).toBe(state));
});

describe("aliases", () => {
  it("numbers one past the highest alias of the lot", () => {
    expect(nextAlias([])).toBe("Bidder 1");
    expect(nextAlias(["Bidder 1", "Bidder 3"])).toBe("Bidder 4");
    expect(nextAlias(["someone", "Bidder 2"])).toBe("Bidder 3");
    expect(aliasNumber("Bidder 12")).toBe(12);
    expect(aliasNumber("Bidder x")).toBe(0);
  });
});

describe("primary image", () => {
  it("reads primaryImage, else the primary of images, else the first by position, else null", () => {
    const a = image();
    const b = { ...image(), position: 1, isPrimary: false };
    const c = { ...image(), position: 0, isPrimary: false };
    expect(primaryImageOf({ primaryImage: a })?.id).toBe(a.id);
    expect(primaryImageOf({ images: [b, { ...a, position: 2 }] })?.id).toBe(a.id);
    expect(primaryImageOf({ images: [b, c] })?.id).toBe(c.id);
    expect(primaryImageOf({ images: [{ url: "x" }] })).toBeNull();
    expect(primaryImageOf({ primaryImage: "x.jpg" })).toBeNull();
    expect(primaryImageOf({})).toBeNull();
    expect(storedImage({ nope: 1 })).toBeNull();
    expect(storedImage(a)?.id).toBe(a.id);
  });
});
