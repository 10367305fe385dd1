import type { Migration } from "kysely";
import { m0001 } from "./0001_auction.js";

/** Append-only: a migration, once merged, never changes. */
export const migrations: Record<string, Migration> = {
  "0001_auction": m0001,
};
