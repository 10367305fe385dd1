import {
  CreateArtistBody,
  CreateArtworkBody,
  UpdateArtistBody,
  UpdateArtworkBody,
} from "@arte/contracts/catalog.js";
import { describe, expect, it } from "vitest";
import {
  artistBody,
  artistPatch,
  artworkBody,
  artworkPatch,
  artworkToForm,
  emptyArtistForm,
  emptyArtworkForm,
  withMedium,
} from "./artwork-form";
import { issuesByPath } from "./forms";

const ARTIST = "6f1c7d0e-2b1a-4a51-9a3e-1f2b3c4d5e6f";
const filled = {
  ...emptyArtworkForm,
  artistId: ARTIST,
  titleKo: " 무제 ",
  description: "캔버스에 유채",
  completionDate: "2019-05",
  widthCm: 72.7,
  heightCm: "60.6",
  medium: "PAINTING",
  theme: "ABSTRACT",
  style: "ABSTRACT",
  technique: "OIL",
  estimateLow: 1_000_000,
  estimateHigh: "2,000,000",
};

describe("the artwork form", () => {
  it("makes a create body the contract accepts", () => {
    const body = artworkBody(filled);
    expect(body).toMatchObject({
      titleKo: "무제",
      titleEn: null,
      size: { widthCm: 72.7, heightCm: 60.6, depthCm: null },
      estimateHigh: 2_000_000,
      conditionReport: null,
    });
    expect(issuesByPath(CreateArtworkBody, body)).toEqual({});
  });

  it("reports contract issues by their path", () => {
    const errs = issuesByPath(CreateArtworkBody, artworkBody({ ...filled, widthCm: "", estimateHigh: "" }));
    expect(Object.keys(errs).sort()).toEqual(["estimateHigh", "size.widthCm"]);
    // Cross-field rules run once the fields themselves are valid.
    expect(Object.keys(issuesByPath(CreateArtworkBody, artworkBody({ ...filled, estimateHigh: 5 })))).toEqual(
      ["estimateHigh"],
    );
  });

  it("sends only the changed fields with the version read", () => {
    const read = filled;
    const patch = artworkPatch(read, { ...read, titleEn: "Untitled", depthCm: 3 }, 4);
    expect(patch).toEqual({
      titleEn: "Untitled",
      size: { widthCm: 72.7, heightCm: 60.6, depthCm: 3 },
      version: 4,
    });
    expect(issuesByPath(UpdateArtworkBody, patch)).toEqual({});
    expect(artworkPatch(read, { ...read }, 4)).toEqual({ version: 4 });
    expect(Object.keys(issuesByPath(UpdateArtworkBody, { version: 4 }))).toHaveLength(1);
  });

  it("reads an artwork back into the same form", () => {
    const a = {
      artist: { id: ARTIST },
      ...artworkBody(filled),
      titleEn: null,
      size: { widthCm: 72.7, heightCm: 60.6, depthCm: null },
      estimateLow: 1_000_000,
      estimateHigh: 2_000_000,
    } as Parameters<typeof artworkToForm>[0];
    expect(artworkBody(artworkToForm(a))).toEqual(artworkBody(filled));
  });

  it("keeps facets the new medium also has, clears the others", () => {
    const f = withMedium(filled, "SCULPTURE");
    expect(f).toMatchObject({ medium: "SCULPTURE", theme: "ABSTRACT", style: "", technique: "" });
  });
});

describe("the artist form", () => {
  it("makes create and update bodies", () => {
    const f = { ...emptyArtistForm, nameKo: "김환기", nameEn: "Kim Whanki", birthYear: 1913 };
    expect(artistBody(f)).toEqual({
      nameKo: "김환기",
      nameEn: "Kim Whanki",
      birthYear: 1913,
      country: "KR",
      biography: null,
    });
    expect(issuesByPath(CreateArtistBody, artistBody(f))).toEqual({});
    const patch = artistPatch(f, { ...f, biography: "전남 신안 출생" }, 2);
    expect(patch).toEqual({ biography: "전남 신안 출생", version: 2 });
    expect(issuesByPath(UpdateArtistBody, patch)).toEqual({});
  });
});
