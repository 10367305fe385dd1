import type { Migration } from "kysely";
import { m0001 } from "./0001_app_user_refresh_token.js";
import { m0002 } from "./0002_bank_link.js";

/** This service's migrations, applied in name order after the platform's. Append-only. */
export const migrations: Record<string, Migration> = {
  "0001_app_user_refresh_token": m0001,
  "0002_bank_link": m0002,
};
