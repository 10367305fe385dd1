import type { LotStatus } from "@arte/contracts/auction.js";
import type { Artist, Artwork, ArtworkListItem, ImageView } from "@arte/contracts/catalog.js";
import type { BlobStore } from "../../blob/blob-store.js";
import type { ArtistTable, ArtworkImageTable, StoredImage } from "../../db/schema.js";

const cm = (mm: number) => mm / 10;
const iso = (d: Date) => d.toISOString();

/** The columns every artwork read selects (artwork row + artist names + primary image). */
export type ArtworkRow = {
  id: string;
  artist_id: string;
  artist_name_ko: string;
  artist_name_en: string;
  title_ko: string;
  title_en: string | null;
  description: string;
  country: string;
  completion_date: string;
  width_mm: number;
  height_mm: number;
  depth_mm: number | null;
  medium: string;
  theme: string;
  style: string;
  technique: string;
  estimate_low: number;
  estimate_high: number;
  condition_report: string | null;
  watch_count: number;
  lot_id: string | null;
  auction_status: string;
  current_price: number | null;
  bid_count: number;
  starts_at: Date | null;
  ends_at: Date | null;
  list_price: number;
  version: number;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
  pi_id: string | null;
  pi_position: number | null;
  pi_width: number | null;
  pi_height: number | null;
  pi_placeholder: string | null;
  pi_variants: StoredImage["variants"] | null;
};

export type ArtistRow = Omit<ArtistTable, "version" | "created_at" | "updated_at"> & {
  version: number;
  created_at: Date;
  updated_at: Date;
};

export function createViews(blobs: BlobStore) {
  const variants = (v: StoredImage["variants"]) => ({
    thumb: {
      url: blobs.url(v.thumb.key),
      width: v.thumb.width,
      height: v.thumb.height,
      bytes: v.thumb.bytes,
    },
    medium: {
      url: blobs.url(v.medium.key),
      width: v.medium.width,
      height: v.medium.height,
      bytes: v.medium.bytes,
    },
    large: {
      url: blobs.url(v.large.key),
      width: v.large.width,
      height: v.large.height,
      bytes: v.large.bytes,
    },
  });

  function image(
    r: Pick<
      ArtworkImageTable,
      "id" | "position" | "is_primary" | "width" | "height" | "placeholder" | "variants"
    >,
  ): ImageView {
    return {
      id: r.id,
      position: r.position,
      isPrimary: r.is_primary,
      width: r.width,
      height: r.height,
      placeholder: r.placeholder,
      variants: variants(r.variants),
    };
  }

  function listItem(r: ArtworkRow): ArtworkListItem {
    return {
      id: r.id,
      artist: { id: r.artist_id, nameKo: r.artist_name_ko, nameEn: r.artist_name_en },
      titleKo: r.title_ko,
      titleEn: r.title_en,
      medium: r.medium as ArtworkListItem["medium"],
      theme: r.theme as ArtworkListItem["theme"],
      style: r.style as ArtworkListItem["style"],
      technique: r.technique as ArtworkListItem["technique"],
      completionDate: r.completion_date,
      size: {
        widthCm: cm(r.width_mm),
        heightCm: cm(r.height_mm),
        depthCm: r.depth_mm === null ? null : cm(r.depth_mm),
      },
      estimateLow: r.estimate_low,
      estimateHigh: r.estimate_high,
      price: r.list_price,
      watchCount: r.watch_count,
      primaryImage:
        r.pi_id && r.pi_variants
          ? image({
              id: r.pi_id,
              position: r.pi_position ?? 0,
              is_primary: true,
              width: r.pi_width ?? 0,
              height: r.pi_height ?? 0,
              placeholder: r.pi_placeholder ?? "",
              variants: r.pi_variants,
            })
          : null,
      auction:
        r.lot_id && r.current_price !== null && r.starts_at && r.ends_at
          ? {
              lotId: r.lot_id,
              status: r.auction_status as LotStatus,
              currentPrice: r.current_price,
              bidCount: r.bid_count,
              startsAt: iso(r.starts_at),
              endsAt: iso(r.ends_at),
            }
          : null,
    };
  }

  function artwork(r: ArtworkRow, images: ImageView[], watching: boolean | null): Artwork {
    return {
      ...listItem(r),
      description: r.description,
      country: r.country,
      conditionReport: r.condition_report,
      images,
      watching,
      version: r.version,
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
      archivedAt: r.archived_at ? iso(r.archived_at) : null,
    };
  }

  function artist(r: ArtistRow, artworkCount: number): Artist {
    return {
      id: r.id,
      nameKo: r.name_ko,
      nameEn: r.name_en,
      birthYear: r.birth_year,
      country: r.country,
      biography: r.biography,
      portrait: r.portrait
        ? {
            width: r.portrait.width,
            height: r.portrait.height,
            placeholder: r.portrait.placeholder,
            variants: variants(r.portrait.variants),
          }
        : null,
      artworkCount,
      version: r.version,
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    };
  }

  return { image, listItem, artwork, artist };
}
export type Views = ReturnType<typeof createViews>;
