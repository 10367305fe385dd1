import { type Kysely, type Migration, sql } from "kysely";

/** Bank-account links (the bank keeps the money; we keep who owns which account). Append-only. */
export const m0002: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table bank_link (
        user_id uuid not null references app_user (id) on delete cascade,
        account_id uuid not null,
        account_number text not null,
        holder_name text not null,
        open_key text,
        linked_at timestamptz not null default now(),
        constraint bank_link_pkey primary key (user_id),
        constraint bank_link_account_key unique (account_id)
      )`.execute(db);
  },
};
