import { type Kysely, type Migration, sql } from "kysely";

/** Users and refresh-token families. Append-only: never edit once merged. */
export const m0001: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table app_user (
        id uuid primary key default gen_random_uuid(),
        email text not null,
        password_hash text not null,
        username text not null,
        birth date not null,
        gender text not null check (gender in ('남', '녀', 'X')),
        phone text not null,
        postcode text not null,
        address text not null,
        address_detail text,
        locale text not null default 'ko' check (locale in ('ko', 'en')),
        role text not null default 'USER' check (role in ('USER', 'ADMIN')),
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'SUSPENDED')),
        email_verified boolean not null default false,
        suspended_at timestamptz,
        suspended_reason text,
        last_login_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint app_user_email_key unique (email),
        constraint app_user_email_lower check (email = lower(email)),
        constraint app_user_suspension check ((status = 'SUSPENDED') = (suspended_at is not null))
      )`.execute(db);
    // Admin list: keyset pagination on (created_at, id), newest first.
    await sql`create index app_user_created on app_user (created_at desc, id desc)`.execute(db);
    await sql`create index app_user_role on app_user (role) where role = 'ADMIN'`.execute(db);

    await sql`
      create table refresh_token (
        id uuid primary key,
        user_id uuid not null references app_user (id) on delete cascade,
        family_id uuid not null,
        token_hash text not null,
        issued_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz,
        revoked_at timestamptz,
        constraint refresh_token_hash_key unique (token_hash)
      )`.execute(db);
    await sql`create index refresh_token_family on refresh_token (family_id)`.execute(db);
    await sql`create index refresh_token_user_live on refresh_token (user_id) where revoked_at is null`.execute(
      db,
    );
  },
};
