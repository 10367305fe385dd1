/** The artist and artwork forms: what the inputs hold, and the API bodies made from them. */
import { MEDIA, type Medium } from "@arte/contracts/catalog.js";
import { changedFields } from "./forms";
import { wonOf } from "./money";

type Num = number | string;
const text = (s: string) => s.trim();
/** An optional text: blank is null (clears it on update). */
const optText = (s: string) => (s.trim() === "" ? null : s.trim());
const num = (v: Num) => wonOf(v);
const optNum = (v: Num) => {
  const n = wonOf(v);
  return n === undefined ? null : n;
};
const orEmpty = (n: number | null | undefined): Num => (n === null || n === undefined ? "" : n);

// ---- artists ----

export type ArtistForm = {
  nameKo: string;
  nameEn: string;
  birthYear: Num;
  country: string;
  biography: string;
};
export const emptyArtistForm: ArtistForm = {
  nameKo: "",
  nameEn: "",
  birthYear: "",
  country: "KR",
  biography: "",
};

export const artistToForm = (a: {
  nameKo: string;
  nameEn: string;
  birthYear: number | null;
  country: string;
  biography: string | null;
}): ArtistForm => ({
  nameKo: a.nameKo,
  nameEn: a.nameEn,
  birthYear: orEmpty(a.birthYear),
  country: a.country,
  biography: a.biography ?? "",
});

export const artistBody = (f: ArtistForm) => ({
  nameKo: text(f.nameKo),
  nameEn: text(f.nameEn),
  birthYear: optNum(f.birthYear),
  country: text(f.country),
  biography: optText(f.biography),
});

// ---- artworks ----

export type ArtworkForm = {
  artistId: string;
  titleKo: string;
  titleEn: string;
  description: string;
  country: string;
  completionDate: string;
  widthCm: Num;
  heightCm: Num;
  depthCm: Num;
  medium: string;
  theme: string;
  style: string;
  technique: string;
  estimateLow: Num;
  estimateHigh: Num;
  conditionReport: string;
};

export const emptyArtworkForm: ArtworkForm = {
  artistId: "",
  titleKo: "",
  titleEn: "",
  description: "",
  country: "KR",
  completionDate: "",
  widthCm: "",
  heightCm: "",
  depthCm: "",
  medium: "PAINTING",
  theme: "",
  style: "",
  technique: "",
  estimateLow: "",
  estimateHigh: "",
  conditionReport: "",
};

export const artworkToForm = (a: {
  artist: { id: string };
  titleKo: string;
  titleEn: string | null;
  description: string;
  country: string;
  completionDate: string;
  size: { widthCm: number; heightCm: number; depthCm: number | null };
  medium: string;
  theme: string;
  style: string;
  technique: string;
  estimateLow: number;
  estimateHigh: number;
  conditionReport: string | null;
}): ArtworkForm => ({
  artistId: a.artist.id,
  titleKo: a.titleKo,
  titleEn: a.titleEn ?? "",
  description: a.description,
  country: a.country,
  completionDate: a.completionDate,
  widthCm: a.size.widthCm,
  heightCm: a.size.heightCm,
  depthCm: orEmpty(a.size.depthCm),
  medium: a.medium,
  theme: a.theme,
  style: a.style,
  technique: a.technique,
  estimateLow: a.estimateLow,
  estimateHigh: a.estimateHigh,
  conditionReport: a.conditionReport ?? "",
});

/** The create body (every field); the contract's schema validates it. */
export const artworkBody = (f: ArtworkForm) => ({
  artistId: f.artistId,
  titleKo: text(f.titleKo),
  titleEn: optText(f.titleEn),
  description: text(f.description),
  country: text(f.country),
  completionDate: text(f.completionDate),
  size: { widthCm: num(f.widthCm), heightCm: num(f.heightCm), depthCm: optNum(f.depthCm) },
  medium: f.medium,
  theme: f.theme,
  style: f.style,
  technique: f.technique,
  estimateLow: num(f.estimateLow),
  estimateHigh: num(f.estimateHigh),
  conditionReport: optText(f.conditionReport),
});

/** The update body: only what changed since the version read, plus that version. */
export function artworkPatch(read: ArtworkForm, now: ArtworkForm, version: number) {
  return { ...changedFields(artworkBody(read), artworkBody(now)), version };
}

/** The update body of an artist: only what changed, plus the version read. */
export function artistPatch(read: ArtistForm, now: ArtistForm, version: number) {
  return { ...changedFields(artistBody(read), artistBody(now)), version };
}

/**
 * A medium's facet lists. Changing the medium keeps a theme, style or technique only when the new
 * medium has it too (the server refuses a mismatch).
 */
export function facetsOf(medium: string) {
  const m = MEDIA[medium as Medium];
  return m
    ? {
        themes: [...m.themes] as string[],
        styles: [...m.styles] as string[],
        techniques: [...m.techniques] as string[],
      }
    : { themes: [], styles: [], techniques: [] };
}

export function withMedium(f: ArtworkForm, medium: string): ArtworkForm {
  const { themes, styles, techniques } = facetsOf(medium);
  return {
    ...f,
    medium,
    theme: themes.includes(f.theme) ? f.theme : "",
    style: styles.includes(f.style) ? f.style : "",
    technique: techniques.includes(f.technique) ? f.technique : "",
  };
}
