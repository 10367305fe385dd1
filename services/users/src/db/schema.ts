import type { PlatformTables } from "@arte/platform";
import type { ColumnType, Generated } from "kysely";

/** The Postgres schema this service owns (its own role can reach nothing else). */
export const SCHEMA = "users";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface AppUserTable {
  id: Generated<string>;
  /** Always lower-case (a CHECK enforces it); unique. */
  email: string;
  /** `scrypt$N$r$p$salt$hash`, never logged, never returned. */
  password_hash: string;
  username: string;
  /** `YYYY-MM-DD` (a `date` column, read back as text). */
  birth: ColumnType<string, string, string>;
  gender: "남" | "녀" | "X";
  phone: string;
  postcode: string;
  address: string;
  address_detail: string | null;
  locale: "ko" | "en";
  role: "USER" | "ADMIN";
  status: Generated<"ACTIVE" | "SUSPENDED">;
  email_verified: boolean;
  suspended_at: NullableTimestamp;
  suspended_reason: string | null;
  last_login_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RefreshTokenTable {
  id: string;
  user_id: string;
  /** The session id (`sid` claim): every rotation of one login shares it. */
  family_id: string;
  /** sha256 (hex) of the opaque token; the token itself is never stored. */
  token_hash: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

/** A user's link to their account at the bank: one account per user, one user per account. */
export interface BankLinkTable {
  /** Primary key: a user links at most one account. */
  user_id: string;
  /** The bank's account id; unique, so an account belongs to one user only. */
  account_id: string;
  account_number: string;
  holder_name: string;
  /** The bank idempotency key a demo account was opened with (null for a linked real account). */
  open_key: string | null;
  linked_at: Generated<Date>;
}

export interface UsersDb extends PlatformTables {
  app_user: AppUserTable;
  refresh_token: RefreshTokenTable;
  bank_link: BankLinkTable;
}
