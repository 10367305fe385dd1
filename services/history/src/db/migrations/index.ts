import type { Migration } from "kysely";
import { m0001History } from "./0001_history.js";

/** Append-only: a migration, once merged, never changes. */
export const migrations: Record<string, Migration> = {
  "0001_history": m0001History,
};
