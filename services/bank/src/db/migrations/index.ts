import type { Migration } from "kysely";
import { m0001 } from "./0001_ledger.js";

/** Append-only: a migration, once merged, never changes. */
export const migrations: Record<string, Migration> = {
  "0001_ledger": m0001,
};
