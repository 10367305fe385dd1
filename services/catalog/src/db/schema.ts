import type { PlatformTables } from "@arte/platform";
import type { Generated } from "kysely";

export const SCHEMA = "catalog";

/** One stored WebP variant of an image. */
export type StoredVariant = { key: string; width: number; height: number; bytes: number };
export type StoredVariants = { thumb: StoredVariant; medium: StoredVariant; large: StoredVariant };
/** An image as stored (artwork image or artist portrait). */
export type StoredImage = { width: number; height: number; placeholder: string; variants: StoredVariants };

export interface ArtistTable {
  id: string;
  name_ko: string;
  name_en: string;
  birth_year: number | null;
  country: string;
  biography: string | null;
  portrait: StoredImage | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ArtworkTable {
  id: string;
  /** Insertion order: the "newest" sort and its cursor. */
  seq: Generated<number>;
  artist_id: string;
  title_ko: string;
  title_en: string | null;
  /** lower(trim(title_ko)): unique per artist. */
  title_key: string;
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
  /** lower(titles, artist names, description): what `q` searches (trigram index when available). */
  search_text: string;
  watch_count: Generated<number>;
  // The current lot, from the auction read model (lot_state); NONE and nulls when never scheduled.
  lot_id: string | null;
  auction_status: Generated<string>;
  current_price: number | null;
  bid_count: Generated<number>;
  starts_at: Date | null;
  ends_at: Date | null;
  /** Epoch ms of ends_at for SCHEDULED/OPEN lots, else MAX_ENDING_KEY: the "ending soon" sort. */
  ending_key: Generated<number>;
  /** Generated: coalesce(current_price, estimate_low). */
  list_price: Generated<number>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  archived_at: Date | null;
}

export interface ArtworkImageTable {
  id: string;
  artwork_id: string;
  position: number;
  is_primary: boolean;
  width: number;
  height: number;
  placeholder: string;
  variants: StoredVariants;
  created_at: Generated<Date>;
}

export interface WatchTable {
  user_id: string;
  artwork_id: string;
  created_at: Generated<Date>;
}

/** The auction read model: the newest version seen of each lot. */
export interface LotStateTable {
  lot_id: string;
  artwork_id: string;
  status: string;
  current_price: number;
  bid_count: number;
  starts_at: Date;
  ends_at: Date;
  version: number;
  updated_at: Generated<Date>;
}

/**
 * Blobs that may have no row: written before their row commits, or whose row was deleted. The sweeper
 * deletes those past `not_before`; a committed upload removes its keys from here in its transaction.
 */
export interface BlobGcTable {
  key: string;
  not_before: Date;
  created_at: Generated<Date>;
}

export interface CatalogDb extends PlatformTables {
  artist: ArtistTable;
  artwork: ArtworkTable;
  artwork_image: ArtworkImageTable;
  watch: WatchTable;
  lot_state: LotStateTable;
  blob_gc: BlobGcTable;
}

/** Above every real epoch-ms end time and inside the safe-integer range. */
export const MAX_ENDING_KEY = 8_640_000_000_000_000;
