import { describe, expect, it } from "vitest";
import { byPosition, checkImageFiles, moveId, sameOrder } from "./images";

const MB = 1024 * 1024;
const f = (name: string, type = "image/jpeg", size = MB) => ({ name, type, size });

describe("checkImageFiles", () => {
  it("accepts JPEG, PNG and WebP up to 15 MB", () => {
    const r = checkImageFiles([f("a.jpg"), f("b.png", "image/png"), f("c.webp", "image/webp", 15 * MB)], 0);
    expect(r.accepted.map((x) => x.name)).toEqual(["a.jpg", "b.png", "c.webp"]);
    expect(r.problems).toEqual([]);
  });

  it("refuses other types, empty and oversized files", () => {
    const r = checkImageFiles(
      [f("a.gif", "image/gif"), f("b.jpg", "image/jpeg", 0), f("c.jpg", "image/jpeg", 15 * MB + 1)],
      0,
    );
    expect(r.accepted).toEqual([]);
    expect(r.problems.map((p) => p.reason)).toEqual(["type", "empty", "size"]);
  });

  it("stops at ten images per artwork, counting the existing ones", () => {
    const r = checkImageFiles([f("1.jpg"), f("2.jpg"), f("3.jpg")], 8);
    expect(r.accepted.map((x) => x.name)).toEqual(["1.jpg", "2.jpg"]);
    expect(r.problems).toEqual([{ name: "3.jpg", reason: "count" }]);
    expect(checkImageFiles([f("x.jpg")], 10).accepted).toEqual([]);
  });
});

describe("image order", () => {
  it("moves an id up, down, to the front and clamps at the ends", () => {
    const ids = ["a", "b", "c", "d"];
    expect(moveId(ids, 2, 1)).toEqual(["a", "c", "b", "d"]);
    expect(moveId(ids, 0, 1)).toEqual(["b", "a", "c", "d"]);
    expect(moveId(ids, 3, 0)).toEqual(["d", "a", "b", "c"]);
    expect(moveId(ids, 0, -1)).toEqual(ids);
    expect(moveId(ids, 3, 9)).toEqual(ids);
    expect(moveId(ids, 7, 0)).toEqual(ids);
  });

  it("keeps every id exactly once", () => {
    const ids = ["a", "b", "c", "d", "e"];
    for (let from = 0; from < ids.length; from++)
      for (let to = 0; to < ids.length; to++) expect([...moveId(ids, from, to)].sort()).toEqual(ids);
  });

  it("sorts by position and compares orders", () => {
    expect(
      byPosition([
        { id: "b", position: 2 },
        { id: "a", position: 1 },
      ]).map((i) => i.id),
    ).toEqual(["a", "b"]);
    expect(sameOrder(["a", "b"], ["a", "b"])).toBe(true);
    expect(sameOrder(["a", "b"], ["b", "a"])).toBe(false);
  });
});
