import { describe, expect, it } from "vitest";
import { featuredArtists } from "./catalog";

const artist = (nameKo: string, artworkCount: number, portrait: unknown = null) => ({
  nameKo,
  artworkCount,
  portrait,
});

describe("featured artists on the home page", () => {
  it("puts the artists with the most works first, then those with a portrait, then by name; skips empty ones", () => {
    const list = [
      artist("나", 2),
      artist("가", 2, { variants: {} }),
      artist("다", 5),
      artist("라", 0, { variants: {} }),
      artist("마", 1),
    ];
    expect(featuredArtists(list, 3).map((a) => a.nameKo)).toEqual(["다", "가", "나"]);
    expect(featuredArtists(list, 10).map((a) => a.nameKo)).toEqual(["다", "가", "나", "마"]);
    expect(list.map((a) => a.nameKo)).toEqual(["나", "가", "다", "라", "마"]); // the input is not reordered
  });
});
