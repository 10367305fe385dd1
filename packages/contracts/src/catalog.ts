import { z } from "zod";
import { LotStatus } from "./auction.js";
import { IdParams, page } from "./common.js";
import { defineEvent, type StreamSpec } from "./events.js";
import { defineOperations } from "./http.js";
import { Won } from "./money.js";
import { defineRpc } from "./rpc.js";

// ---------------------------------------------------------------------------------------------
// Reference data: the seven media of the original, each with its themes, styles and techniques
// (materials, for sculpture). Values are stable codes with Korean and English labels.
// ---------------------------------------------------------------------------------------------

type Labels = { ko: string; en: string };

export const THEMES = {
  ABSTRACT: { ko: "추상기법", en: "Abstract" },
  LANDSCAPE: { ko: "풍경", en: "Landscape" },
  NATURE: { ko: "자연", en: "Nature" },
  FIGURE: { ko: "인물", en: "Figure" },
  EVERYDAY: { ko: "일상", en: "Everyday life" },
  POP_CULTURE: { ko: "대중 문화", en: "Pop culture" },
  STREET_ART: { ko: "거리예술", en: "Street art" },
  CONCEPTUAL: { ko: "개념미술", en: "Conceptual" },
  FANTASY: { ko: "판타지", en: "Fantasy" },
  ANIMALS: { ko: "동물", en: "Animals" },
  NUDE: { ko: "누드", en: "Nude" },
  FINE_ART: { ko: "순수미술", en: "Fine art" },
  URBAN: { ko: "도시", en: "Urban" },
  TRAVEL: { ko: "여행", en: "Travel" },
  MARINE: { ko: "해양", en: "Marine" },
  STILL_LIFE: { ko: "정물", en: "Still life" },
  FASHION: { ko: "패션", en: "Fashion" },
} as const satisfies Record<string, Labels>;

export const STYLES = {
  ABSTRACT: { ko: "추상", en: "Abstract" },
  EXPRESSIONISM: { ko: "표현주의", en: "Expressionism" },
  FIGURATIVE: { ko: "구상", en: "Figurative" },
  IMPRESSIONISM: { ko: "인상주의", en: "Impressionism" },
  FINE_ART: { ko: "순수미술", en: "Fine art" },
  REALISM: { ko: "현실주의", en: "Realism" },
  POP_ART: { ko: "팝아트", en: "Pop art" },
  FREE_STANDING: { ko: "독립된 조각품", en: "Free-standing" },
  OBJECT: { ko: "오브제", en: "Object" },
  WALL_OBJECT: { ko: "벽 오브제", en: "Wall object" },
  OUTDOOR: { ko: "야외 조각", en: "Outdoor" },
  BUST: { ko: "상반신", en: "Bust" },
  ASSEMBLAGE: { ko: "아상블라주", en: "Assemblage" },
  INSTALLATION: { ko: "설치미술", en: "Installation" },
  COLOUR: { ko: "색", en: "Colour" },
  DIGITAL: { ko: "디지털", en: "Digital" },
  CONTEMPORARY: { ko: "현대", en: "Contemporary" },
  BLACK_AND_WHITE: { ko: "흑백", en: "Black and white" },
  STREET: { ko: "거리 사진", en: "Street" },
  PANORAMIC: { ko: "파노라마", en: "Panoramic" },
  SEPIA: { ko: "세피아", en: "Sepia" },
  SYMBOLISM: { ko: "상징주의", en: "Symbolism" },
  SURREALISM: { ko: "초현실주의", en: "Surrealism" },
  COMICS: { ko: "만화", en: "Comics" },
  VINTAGE: { ko: "빈티지", en: "Vintage" },
  GEOMETRIC: { ko: "기하학", en: "Geometric" },
} as const satisfies Record<string, Labels>;

/** Techniques, and the materials of sculpture. */
export const TECHNIQUES = {
  ACRYLIC: { ko: "아크릴", en: "Acrylic" },
  OIL: { ko: "유채", en: "Oil" },
  SPRAY_PAINT: { ko: "스프레이", en: "Spray paint" },
  COLLAGE: { ko: "콜라주", en: "Collage" },
  INK: { ko: "잉크", en: "Ink" },
  CHARCOAL: { ko: "목탄", en: "Charcoal" },
  PIGMENT: { ko: "안료", en: "Pigment" },
  BRONZE: { ko: "청동", en: "Bronze" },
  STEEL: { ko: "철강", en: "Steel" },
  RESIN: { ko: "레진", en: "Resin" },
  WOOD: { ko: "목재", en: "Wood" },
  STONE: { ko: "석조", en: "Stone" },
  ALUMINIUM: { ko: "알루미늄", en: "Aluminium" },
  DIGITAL: { ko: "디지털", en: "Digital" },
  HYBRID: { ko: "하이브리드", en: "Hybrid" },
  FILM: { ko: "필름 사진", en: "Film" },
  INK_STICK: { ko: "먹", en: "Ink stick" },
  PASTEL: { ko: "파스텔", en: "Pastel" },
  PENCIL: { ko: "연필", en: "Pencil" },
  PEN: { ko: "펜", en: "Pen" },
  COLOURED_PENCIL: { ko: "색연필", en: "Coloured pencil" },
  GRAPHITE: { ko: "흑연", en: "Graphite" },
  GICLEE: { ko: "지클레 인쇄", en: "Giclée" },
  LITHOGRAPH: { ko: "석판화", en: "Lithograph" },
  SCREEN_PRINT: { ko: "실크 스크린", en: "Screen print" },
  RELIEF_PRINT: { ko: "볼록판화", en: "Relief print" },
  PRINTMAKING: { ko: "판화", en: "Printmaking" },
  MONOTYPE: { ko: "모노타입", en: "Monotype" },
  WATERCOLOUR: { ko: "수채", en: "Watercolour" },
  COTTON: { ko: "면", en: "Cotton" },
  WOOL: { ko: "양모", en: "Wool" },
  EMBROIDERY: { ko: "자수", en: "Embroidery" },
} as const satisfies Record<string, Labels>;

type ThemeCode = keyof typeof THEMES;
type StyleCode = keyof typeof STYLES;
type TechniqueCode = keyof typeof TECHNIQUES;

type MediumDef = Labels & {
  /** What the third facet is called: 기법 technique, or 소재 material for sculpture. */
  techniqueLabel: Labels;
  themes: readonly ThemeCode[];
  styles: readonly StyleCode[];
  techniques: readonly TechniqueCode[];
};

const TECHNIQUE_LABEL = { ko: "기법", en: "Technique" };

/** The seven media (seed frontend spec §2.9), in the original's order. */
export const MEDIA = {
  PAINTING: {
    ko: "회화",
    en: "Painting",
    techniqueLabel: TECHNIQUE_LABEL,
    themes: ["ABSTRACT", "LANDSCAPE", "NATURE", "FIGURE", "EVERYDAY", "POP_CULTURE", "STREET_ART"],
    styles: ["ABSTRACT", "EXPRESSIONISM", "FIGURATIVE", "IMPRESSIONISM", "FINE_ART", "REALISM", "POP_ART"],
    techniques: ["ACRYLIC", "OIL", "SPRAY_PAINT", "COLLAGE", "INK", "CHARCOAL", "PIGMENT"],
  },
  SCULPTURE: {
    ko: "조각",
    en: "Sculpture",
    techniqueLabel: { ko: "소재", en: "Material" },
    themes: ["FIGURE", "NATURE", "ABSTRACT", "CONCEPTUAL", "FANTASY", "ANIMALS", "NUDE"],
    styles: ["FREE_STANDING", "OBJECT", "WALL_OBJECT", "OUTDOOR", "BUST", "ASSEMBLAGE", "INSTALLATION"],
    techniques: ["BRONZE", "STEEL", "RESIN", "WOOD", "ACRYLIC", "STONE", "ALUMINIUM"],
  },
  PHOTOGRAPHY: {
    ko: "사진",
    en: "Photography",
    techniqueLabel: TECHNIQUE_LABEL,
    themes: ["FINE_ART", "LANDSCAPE", "URBAN", "FIGURE", "NATURE", "CONCEPTUAL", "TRAVEL"],
    styles: ["COLOUR", "DIGITAL", "CONTEMPORARY", "BLACK_AND_WHITE", "STREET", "PANORAMIC", "SEPIA"],
    techniques: ["DIGITAL", "HYBRID", "FILM"],
  },
  DRAWING: {
    ko: "소묘",
    en: "Drawing",
    techniqueLabel: TECHNIQUE_LABEL,
    themes: ["FIGURE", "FANTASY", "ABSTRACT", "LANDSCAPE", "CONCEPTUAL", "NUDE", "URBAN"],
    styles: ["FIGURATIVE", "FINE_ART", "EXPRESSIONISM", "REALISM", "SYMBOLISM", "ABSTRACT", "SURREALISM"],
    techniques: ["INK_STICK", "PASTEL", "PENCIL", "CHARCOAL", "PEN", "COLOURED_PENCIL", "GRAPHITE"],
  },
  PRINT: {
    ko: "인쇄",
    en: "Prints",
    techniqueLabel: TECHNIQUE_LABEL,
    themes: ["FIGURE", "LANDSCAPE", "FANTASY", "EVERYDAY", "URBAN", "ABSTRACT", "MARINE"],
    styles: ["POP_ART", "FIGURATIVE", "COMICS", "REALISM", "ABSTRACT", "VINTAGE", "FINE_ART"],
    techniques: ["GICLEE", "LITHOGRAPH", "SCREEN_PRINT", "RELIEF_PRINT", "PRINTMAKING", "MONOTYPE"],
  },
  PAPER: {
    ko: "종이",
    en: "Works on paper",
    techniqueLabel: TECHNIQUE_LABEL,
    themes: ["ABSTRACT", "FIGURE", "LANDSCAPE", "STREET_ART", "CONCEPTUAL", "URBAN", "EVERYDAY"],
    styles: ["FIGURATIVE", "ABSTRACT", "EXPRESSIONISM", "POP_ART", "FINE_ART", "REALISM", "IMPRESSIONISM"],
    techniques: ["ACRYLIC", "WATERCOLOUR", "COLLAGE", "PIGMENT", "INK_STICK", "PENCIL", "INK"],
  },
  FIBER: {
    ko: "섬유 예술",
    en: "Fiber art",
    techniqueLabel: TECHNIQUE_LABEL,
    themes: ["ABSTRACT", "STILL_LIFE", "ANIMALS", "FIGURE", "URBAN", "LANDSCAPE", "FASHION"],
    styles: ["ABSTRACT", "EXPRESSIONISM", "FIGURATIVE", "GEOMETRIC", "FINE_ART", "SYMBOLISM", "REALISM"],
    techniques: ["COTTON", "WOOL", "EMBROIDERY"],
  },
} as const satisfies Record<string, MediumDef>;

const keys = <T extends Record<string, unknown>>(o: T) =>
  Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

export const Medium = z.enum(keys(MEDIA));
export type Medium = z.infer<typeof Medium>;
export const Theme = z.enum(keys(THEMES));
export const Style = z.enum(keys(STYLES));
export const Technique = z.enum(keys(TECHNIQUES));

/** Whether a theme, style and technique belong to the medium's lists. */
export function taxonomyIssues(t: {
  medium: Medium;
  theme: string;
  style: string;
  technique: string;
}): { path: string; message: string }[] {
  const m = MEDIA[t.medium] as MediumDef;
  const out: { path: string; message: string }[] = [];
  if (!(m.themes as readonly string[]).includes(t.theme))
    out.push({ path: "theme", message: `not a theme of ${t.medium}: one of ${m.themes.join(", ")}` });
  if (!(m.styles as readonly string[]).includes(t.style))
    out.push({ path: "style", message: `not a style of ${t.medium}: one of ${m.styles.join(", ")}` });
  if (!(m.techniques as readonly string[]).includes(t.technique))
    out.push({
      path: "technique",
      message: `not a technique of ${t.medium}: one of ${m.techniques.join(", ")}`,
    });
  return out;
}

const LabelledValue = z.object({ code: z.string(), ko: z.string(), en: z.string() });
export const ReferenceData = z.object({
  media: z.array(
    LabelledValue.extend({
      techniqueLabel: z.object({ ko: z.string(), en: z.string() }),
      themes: z.array(LabelledValue),
      styles: z.array(LabelledValue),
      techniques: z.array(LabelledValue),
    }),
  ),
  auctionStatuses: z.array(z.string()),
  sorts: z.array(z.string()),
});
export type ReferenceData = z.infer<typeof ReferenceData>;

// ---------------------------------------------------------------------------------------------
// Field rules
// ---------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_BUT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Printable text without control characters (newlines allowed when `multiline`), trimmed, non-empty. */
export const CatalogText = (max: number, multiline = false) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !(multiline ? CONTROL_BUT_NEWLINES : CONTROL).test(s), "no control characters");

/** ISO 3166-1 alpha-2 country code, upper case (KR, FR, US …). */
export const CountryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, "a two-letter country code such as KR"));

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: a real date, not in the future, from year 1000. */
export const CompletionDate = z
  .string()
  .trim()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, "YYYY, YYYY-MM or YYYY-MM-DD")
  .refine((s) => {
    const [y, m = 1, d = 1] = s.split("-").map(Number) as [number, number?, number?];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (Number.isNaN(date.getTime())) return false;
    const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    return real && y >= 1000 && date.getTime() <= Date.now();
  }, "not a real past date");

/** A length in centimetres: positive, at most 10,000 cm, at most one decimal (stored in millimetres). */
export const Centimetres = z
  .number()
  .positive()
  .max(10_000)
  .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6, "at most one decimal");

export const BirthYear = z
  .int()
  .min(1000)
  .refine((y) => y <= new Date().getUTCFullYear(), "not in the future");

export const Size = z.strictObject({
  widthCm: Centimetres,
  heightCm: Centimetres,
  depthCm: Centimetres.nullable().optional(),
});

/** A version for optimistic concurrency: the one the client last read. */
export const Version = z.int().min(1);

// ---------------------------------------------------------------------------------------------
// Artists
// ---------------------------------------------------------------------------------------------

export const ImageVariant = z.object({
  url: z.string(),
  width: z.int(),
  height: z.int(),
  bytes: z.int(),
});
export const ImageVariants = z.object({ thumb: ImageVariant, medium: ImageVariant, large: ImageVariant });

/** An image as the public sees it: WebP variants and a tiny blurred placeholder (a data URL). */
export const ImageView = z.object({
  id: z.uuid(),
  position: z.int(),
  isPrimary: z.boolean(),
  width: z.int(),
  height: z.int(),
  placeholder: z.string(),
  variants: ImageVariants,
});
export type ImageView = z.infer<typeof ImageView>;

export const Portrait = ImageView.omit({ id: true, position: true, isPrimary: true });

export const CreateArtistBody = z.strictObject({
  nameKo: CatalogText(100),
  nameEn: CatalogText(100),
  birthYear: BirthYear.nullable().optional(),
  country: CountryCode,
  biography: CatalogText(10_000, true).nullable().optional(),
});
export type CreateArtistBody = z.infer<typeof CreateArtistBody>;

export const UpdateArtistBody = CreateArtistBody.partial()
  .extend({ version: Version })
  .refine((b) => Object.keys(b).length > 1, "nothing to update");
export type UpdateArtistBody = z.infer<typeof UpdateArtistBody>;

export const ArtistSummary = z.object({ id: z.uuid(), nameKo: z.string(), nameEn: z.string() });

export const Artist = ArtistSummary.extend({
  birthYear: z.int().nullable(),
  country: z.string(),
  biography: z.string().nullable(),
  portrait: Portrait.nullable(),
  artworkCount: z.int(),
  version: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Artist = z.infer<typeof Artist>;

// ---------------------------------------------------------------------------------------------
// Artworks
// ---------------------------------------------------------------------------------------------

const artworkFields = {
  artistId: z.uuid(),
  titleKo: CatalogText(200),
  titleEn: CatalogText(200).nullable().optional(),
  description: CatalogText(10_000, true),
  country: CountryCode,
  completionDate: CompletionDate,
  size: Size,
  medium: Medium,
  theme: Theme,
  style: Style,
  technique: Technique,
  estimateLow: Won,
  estimateHigh: Won,
  conditionReport: CatalogText(10_000, true).nullable().optional(),
};

export const CreateArtworkBody = z.strictObject(artworkFields).superRefine((b, ctx) => {
  for (const i of taxonomyIssues(b)) ctx.addIssue({ code: "custom", path: [i.path], message: i.message });
  if (b.estimateHigh < b.estimateLow)
    ctx.addIssue({ code: "custom", path: ["estimateHigh"], message: "below estimateLow" });
});
export type CreateArtworkBody = z.infer<typeof CreateArtworkBody>;

/**
 * Any subset of the fields plus the `version` the admin last read. Medium, theme, style and technique
 * are checked together against the stored values by the service (a new medium needs matching facets).
 */
export const UpdateArtworkBody = z
  .strictObject({ ...artworkFields, version: Version })
  .partial()
  .required({ version: true })
  .refine((b) => Object.keys(b).length > 1, "nothing to update");
export type UpdateArtworkBody = z.infer<typeof UpdateArtworkBody>;

export const ArchiveArtworkBody = z.strictObject({ version: Version });

export const AuctionStatus = z.enum(["NONE", ...LotStatus.options]);
export type AuctionStatus = z.infer<typeof AuctionStatus>;

/** The live auction state of an artwork's current lot, from the read model (null: never scheduled). */
export const AuctionState = z.object({
  lotId: z.uuid(),
  status: LotStatus,
  currentPrice: z.int(),
  bidCount: z.int(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
});

export const ArtworkListItem = z.object({
  id: z.uuid(),
  artist: ArtistSummary,
  titleKo: z.string(),
  titleEn: z.string().nullable(),
  medium: Medium,
  theme: Theme,
  style: Style,
  technique: Technique,
  completionDate: z.string(),
  size: z.object({ widthCm: z.number(), heightCm: z.number(), depthCm: z.number().nullable() }),
  estimateLow: z.int(),
  estimateHigh: z.int(),
  /** The current price when a lot exists, else the low estimate: what price filters and sorts use. */
  price: z.int(),
  watchCount: z.int(),
  primaryImage: ImageView.nullable(),
  auction: AuctionState.nullable(),
});
export type ArtworkListItem = z.infer<typeof ArtworkListItem>;

export const Artwork = ArtworkListItem.extend({
  description: z.string(),
  country: z.string(),
  conditionReport: z.string().nullable(),
  images: z.array(ImageView),
  /** Whether the caller watches it (null when not signed in). */
  watching: z.boolean().nullable(),
  version: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  archivedAt: z.iso.datetime().nullable(),
});
export type Artwork = z.infer<typeof Artwork>;

export const ArtistPage = z.object({ artist: Artist, artworks: z.array(ArtworkListItem) });

export const ListingSort = z.enum([
  "ending_soon",
  "newest",
  "price_asc",
  "price_desc",
  "most_bids",
  "most_watched",
]);
export type ListingSort = z.infer<typeof ListingSort>;

const priceParam = z.coerce.number().int().min(0).max(1_000_000_000_000_000);

export const ListArtworksQuery = z
  .strictObject({
    q: z.string().trim().min(1).max(100).optional(),
    medium: Medium.optional(),
    theme: Theme.optional(),
    style: Style.optional(),
    technique: Technique.optional(),
    artistId: z.uuid().optional(),
    status: AuctionStatus.optional(),
    minPrice: priceParam.optional(),
    maxPrice: priceParam.optional(),
    sort: ListingSort.default("newest"),
    limit: z.coerce.number().int().min(1).max(100).default(24),
    cursor: z.string().max(500).optional(),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: "minPrice is above maxPrice",
    path: ["minPrice"],
  });
export type ListArtworksQuery = z.infer<typeof ListArtworksQuery>;

const FacetCounts = z.array(z.object({ value: z.string(), count: z.int() }));
export const Facets = z.object({
  medium: FacetCounts,
  theme: FacetCounts,
  style: FacetCounts,
  technique: FacetCounts,
  status: FacetCounts,
});

/** A page of artworks; `facets` and `total` (under the same filters) come with the first page only. */
export const ArtworkPage = page(ArtworkListItem).extend({ facets: Facets.nullable() });

export const WatchlistItem = ArtworkListItem.extend({ watchedAt: z.iso.datetime() });
export const WatchState = z.object({ artworkId: z.uuid(), watching: z.boolean(), watchCount: z.int() });

export const ImageParams = z.strictObject({ id: z.uuid(), imageId: z.uuid() });
export const ReorderImagesBody = z.strictObject({
  imageIds: z
    .array(z.uuid())
    .min(1)
    .max(10)
    .refine((a) => new Set(a).size === a.length, "no duplicates"),
});

export const AdminListArtworksQuery = z.strictObject({
  archived: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().max(500).optional(),
});

/** Upload limits (also the gateway's body limit of the upload operations). */
export const MAX_IMAGES_PER_ARTWORK = 10;
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
/** Multipart framing around the files. */
const MULTIPART_SLACK = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Errors: code → status
// ---------------------------------------------------------------------------------------------

/**
 * Whether an artwork exists and can be put up for sale (not archived): asked by the auction service
 * before it schedules a lot. Public facts (the catalogue's HTTP API shows them), so unsigned.
 */
export const ArtworkStatusRpc = defineRpc(
  "catalog.artwork_status",
  z.strictObject({ artworkId: z.uuid() }),
  z.object({ exists: z.boolean(), archived: z.boolean() }),
);

export const CatalogErrors = {
  ARTIST_NOT_FOUND: 404,
  ARTWORK_NOT_FOUND: 404,
  IMAGE_NOT_FOUND: 404,
  MEDIA_NOT_FOUND: 404,
  ARTWORK_ALREADY_EXISTS: 409,
  VERSION_CONFLICT: 409,
  ARTWORK_IN_AUCTION: 409,
  ARTWORK_ARCHIVED: 409,
  TOO_MANY_IMAGES: 409,
  IMAGE_ORDER_MISMATCH: 400,
  NO_FILES: 400,
  EMPTY_FILE: 400,
  INVALID_FILE_NAME: 400,
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_IMAGE_TYPE: 415,
  IMAGE_INVALID: 422,
  TAXONOMY_MISMATCH: 400,
  CURSOR_INVALID: 400,
} as const;
export type CatalogErrorCode = keyof typeof CatalogErrors;

// ---------------------------------------------------------------------------------------------
// Events (stream CATALOG, subjects catalog.>)
// ---------------------------------------------------------------------------------------------

export const CATALOG_STREAM: StreamSpec = { name: "CATALOG", subjects: ["catalog.>"], maxAgeDays: 7 };

/** A user started watching an artwork (notifications about it may follow). */
export const ArtworkWatchedV1 = defineEvent(
  "catalog.artwork.watched.v1",
  z.object({ artworkId: z.uuid(), userId: z.uuid(), watchCount: z.int().min(0) }),
);
export const ArtworkUnwatchedV1 = defineEvent(
  "catalog.artwork.unwatched.v1",
  z.object({ artworkId: z.uuid(), userId: z.uuid(), watchCount: z.int().min(0) }),
);

/** What other contexts (auction, payment, notification) need of an artwork; `version` orders them. */
export const ArtworkSnapshot = z.object({
  artworkId: z.uuid(),
  artistId: z.uuid(),
  artistNameKo: z.string(),
  artistNameEn: z.string(),
  titleKo: z.string(),
  titleEn: z.string().nullable(),
  estimateLow: z.int(),
  estimateHigh: z.int(),
  version: z.int().min(1),
});
export const ArtworkCreatedV1 = defineEvent("catalog.artwork.created.v1", ArtworkSnapshot);
export const ArtworkUpdatedV1 = defineEvent("catalog.artwork.updated.v1", ArtworkSnapshot);
export const ArtworkArchivedV1 = defineEvent("catalog.artwork.archived.v1", ArtworkSnapshot);

export const catalogEvents = [
  ArtworkWatchedV1,
  ArtworkUnwatchedV1,
  ArtworkCreatedV1,
  ArtworkUpdatedV1,
  ArtworkArchivedV1,
] as const;

// ---------------------------------------------------------------------------------------------
// Operations (public path = /api/catalog + path). Media: GET /media/<key> at the gateway's root.
// ---------------------------------------------------------------------------------------------

const Multipart = "multipart/form-data";

export const catalogOperations = defineOperations({
  getReference: {
    id: "getReference",
    method: "GET",
    path: "/v1/reference",
    access: "public",
    summary: "The seven media with their themes, styles and techniques (ko/en), statuses and sorts",
    responses: { 200: ReferenceData },
  },
  listArtworks: {
    id: "listArtworks",
    method: "GET",
    path: "/v1/artworks",
    access: "public",
    summary:
      "Search (title, artist, description; ko/en, partial), filter, sort and page artworks with live auction state",
    query: ListArtworksQuery,
    responses: { 200: ArtworkPage },
  },
  getArtwork: {
    id: "getArtwork",
    method: "GET",
    path: "/v1/artworks/:id",
    access: "public",
    summary: "One artwork: every field, its images, live auction state, watcher count",
    params: IdParams,
    responses: { 200: Artwork },
  },
  listArtists: {
    id: "listArtists",
    method: "GET",
    path: "/v1/artists",
    access: "public",
    summary: "Every artist, by Korean name",
    responses: { 200: z.object({ items: z.array(Artist) }) },
  },
  getArtist: {
    id: "getArtist",
    method: "GET",
    path: "/v1/artists/:id",
    access: "public",
    summary: "An artist's page: biography, portrait and their artworks",
    params: IdParams,
    responses: { 200: ArtistPage },
  },
  myWatchlist: {
    id: "myWatchlist",
    method: "GET",
    path: "/v1/me/watchlist",
    access: "user",
    summary: "The artworks I watch, most recently watched first",
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(100).default(24),
      cursor: z.string().max(500).optional(),
    }),
    responses: { 200: page(WatchlistItem) },
  },
  watchArtwork: {
    id: "watchArtwork",
    method: "PUT",
    path: "/v1/me/watchlist/:id",
    access: "user",
    summary: "Watch an artwork (idempotent)",
    params: IdParams,
    responses: { 200: WatchState },
  },
  unwatchArtwork: {
    id: "unwatchArtwork",
    method: "DELETE",
    path: "/v1/me/watchlist/:id",
    access: "user",
    summary: "Stop watching an artwork (idempotent)",
    params: IdParams,
    responses: { 200: WatchState },
  },
  adminCreateArtist: {
    id: "adminCreateArtist",
    method: "POST",
    path: "/v1/admin/artists",
    access: "admin",
    summary: "Create an artist",
    body: CreateArtistBody,
    responses: { 201: Artist },
  },
  adminUpdateArtist: {
    id: "adminUpdateArtist",
    method: "PATCH",
    path: "/v1/admin/artists/:id",
    access: "admin",
    summary: "Update an artist (send the version you read; a stale one is 409 VERSION_CONFLICT)",
    params: IdParams,
    body: UpdateArtistBody,
    responses: { 200: Artist },
  },
  adminUploadPortrait: {
    id: "adminUploadPortrait",
    method: "PUT",
    path: "/v1/admin/artists/:id/portrait",
    access: "admin",
    summary: "Set an artist's portrait (multipart, one JPEG/PNG/WebP file ≤ 15 MB)",
    params: IdParams,
    contentType: Multipart,
    bodyLimit: MAX_IMAGE_BYTES + MULTIPART_SLACK,
    responses: { 200: Artist },
  },
  adminListArtworks: {
    id: "adminListArtworks",
    method: "GET",
    path: "/v1/admin/artworks",
    access: "admin",
    summary: "Every artwork, archived ones included (archived=true|false to filter), newest first",
    query: AdminListArtworksQuery,
    responses: { 200: page(Artwork) },
  },
  adminGetArtwork: {
    id: "adminGetArtwork",
    method: "GET",
    path: "/v1/admin/artworks/:id",
    access: "admin",
    summary: "One artwork, archived or not",
    params: IdParams,
    responses: { 200: Artwork },
  },
  adminCreateArtwork: {
    id: "adminCreateArtwork",
    method: "POST",
    path: "/v1/admin/artworks",
    access: "admin",
    summary: "Create an artwork (same artist and title twice: 409)",
    body: CreateArtworkBody,
    responses: { 201: Artwork },
  },
  adminUpdateArtwork: {
    id: "adminUpdateArtwork",
    method: "PATCH",
    path: "/v1/admin/artworks/:id",
    access: "admin",
    summary: "Update an artwork (send the version you read; a stale one is 409 VERSION_CONFLICT)",
    params: IdParams,
    body: UpdateArtworkBody,
    responses: { 200: Artwork },
  },
  adminArchiveArtwork: {
    id: "adminArchiveArtwork",
    method: "POST",
    path: "/v1/admin/artworks/:id/archive",
    access: "admin",
    summary: "Archive an artwork (refused while a lot of it is scheduled or open)",
    params: IdParams,
    body: ArchiveArtworkBody,
    responses: { 200: Artwork },
  },
  adminUploadImages: {
    id: "adminUploadImages",
    method: "POST",
    path: "/v1/admin/artworks/:id/images",
    access: "admin",
    summary: "Add images (multipart; JPEG/PNG/WebP, each ≤ 15 MB, ≤ 10 per artwork)",
    params: IdParams,
    contentType: Multipart,
    bodyLimit: MAX_IMAGES_PER_ARTWORK * MAX_IMAGE_BYTES + MULTIPART_SLACK,
    responses: { 201: z.object({ images: z.array(ImageView) }) },
  },
  adminReorderImages: {
    id: "adminReorderImages",
    method: "PUT",
    path: "/v1/admin/artworks/:id/images/order",
    access: "admin",
    summary: "Set the order of an artwork's images (every image id, once)",
    params: IdParams,
    body: ReorderImagesBody,
    responses: { 200: z.object({ images: z.array(ImageView) }) },
  },
  adminSetPrimaryImage: {
    id: "adminSetPrimaryImage",
    method: "POST",
    path: "/v1/admin/artworks/:id/images/:imageId/primary",
    access: "admin",
    summary: "Make an image the primary one",
    params: ImageParams,
    responses: { 200: z.object({ images: z.array(ImageView) }) },
  },
  adminDeleteImage: {
    id: "adminDeleteImage",
    method: "DELETE",
    path: "/v1/admin/artworks/:id/images/:imageId",
    access: "admin",
    summary: "Delete an image (and its files)",
    params: ImageParams,
    responses: { 200: z.object({ images: z.array(ImageView) }) },
  },
});
