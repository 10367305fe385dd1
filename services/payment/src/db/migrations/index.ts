import type { Migration } from "kysely";
import * as m0001 from "./0001_payment.js";

/** Append-only: a merged migration never changes; a change is a new file. */
export const migrations: Record<string, Migration> = {
  "0001_payment": m0001,
};
