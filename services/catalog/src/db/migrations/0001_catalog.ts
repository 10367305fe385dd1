import { type Kysely, type Migration, sql } from "kysely";

/**
 * Search support. `pg_trgm` makes `ILIKE '%…%'` use a GIN index; creating the extension needs a
 * superuser (or CREATE on the database), which the service's own role does not have. So: try, and
 * carry on without it; build the index only when a `gin_trgm_ops` we may use exists (created by us,
 * or beforehand by an admin — see the README). Without it, search is the same ILIKE, unindexed.
 */
export async function createSearchIndexIfPossible(db: Kysely<unknown>) {
  await sql`
    do $$
    declare ns text;
    begin
      begin
        create extension if not exists pg_trgm;
      exception when others then
        raise notice 'pg_trgm not created (%): search runs without a trigram index', sqlerrm;
      end;
      select n.nspname into ns
        from pg_opclass c
        join pg_namespace n on n.oid = c.opcnamespace
        join pg_am a on a.oid = c.opcmethod
       where c.opcname = 'gin_trgm_ops' and a.amname = 'gin' and has_schema_privilege(n.oid, 'USAGE')
       limit 1;
      if ns is not null and to_regclass('artwork_search_trgm') is null then
        execute format(
          'create index artwork_search_trgm on artwork using gin (search_text %I.gin_trgm_ops) where archived_at is null',
          ns);
      end if;
    end $$`.execute(db);
}

export const m0001: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table artist (
        id uuid primary key,
        name_ko text not null,
        name_en text not null,
        birth_year int,
        country text not null check (country ~ '^[A-Z]{2}$'),
        biography text,
        portrait jsonb,
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);

    await sql`
      create table artwork (
        id uuid primary key,
        seq bigserial not null unique,
        artist_id uuid not null references artist (id),
        title_ko text not null,
        title_en text,
        title_key text not null,
        description text not null,
        country text not null check (country ~ '^[A-Z]{2}$'),
        completion_date text not null,
        width_mm int not null check (width_mm > 0),
        height_mm int not null check (height_mm > 0),
        depth_mm int check (depth_mm > 0),
        medium text not null,
        theme text not null,
        style text not null,
        technique text not null,
        estimate_low bigint not null check (estimate_low > 0),
        estimate_high bigint not null,
        condition_report text,
        search_text text not null,
        watch_count int not null default 0 check (watch_count >= 0),
        lot_id uuid,
        auction_status text not null default 'NONE',
        current_price bigint,
        bid_count int not null default 0,
        starts_at timestamptz,
        ends_at timestamptz,
        ending_key bigint not null default 8640000000000000,
        list_price bigint generated always as (coalesce(current_price, estimate_low)) stored,
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        archived_at timestamptz,
        constraint artwork_estimates check (estimate_high >= estimate_low),
        constraint artwork_artist_title unique (artist_id, title_key)
      )`.execute(db);
    // Listing: every public query has "archived_at is null"; one index per sort key (keyset on key, id).
    const live = sql`where archived_at is null`;
    await sql`create index artwork_newest on artwork (seq) ${live}`.execute(db);
    await sql`create index artwork_price on artwork (list_price, id) ${live}`.execute(db);
    await sql`create index artwork_ending on artwork (ending_key, id) ${live}`.execute(db);
    await sql`create index artwork_bids on artwork (bid_count, id) ${live}`.execute(db);
    await sql`create index artwork_watched on artwork (watch_count, id) ${live}`.execute(db);
    await sql`create index artwork_medium on artwork (medium, theme, style, technique) ${live}`.execute(db);
    await sql`create index artwork_status on artwork (auction_status) ${live}`.execute(db);
    await sql`create index artwork_artist on artwork (artist_id)`.execute(db);

    await sql`
      create table artwork_image (
        id uuid primary key,
        artwork_id uuid not null references artwork (id) on delete cascade,
        position int not null check (position >= 0),
        is_primary boolean not null default false,
        width int not null,
        height int not null,
        placeholder text not null,
        variants jsonb not null,
        created_at timestamptz not null default now(),
        constraint artwork_image_position unique (artwork_id, position) deferrable initially deferred
      )`.execute(db);
    await sql`create unique index artwork_image_one_primary on artwork_image (artwork_id) where is_primary`.execute(
      db,
    );

    await sql`
      create table watch (
        user_id uuid not null,
        artwork_id uuid not null references artwork (id),
        created_at timestamptz not null default now(),
        primary key (user_id, artwork_id)
      )`.execute(db);
    await sql`create index watch_mine on watch (user_id, created_at desc, artwork_id desc)`.execute(db);

    await sql`
      create table lot_state (
        lot_id uuid primary key,
        artwork_id uuid not null,
        status text not null,
        current_price bigint not null,
        bid_count int not null,
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        version int not null,
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index lot_state_artwork on lot_state (artwork_id)`.execute(db);

    await sql`
      create table blob_gc (
        key text primary key,
        not_before timestamptz not null,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index blob_gc_due on blob_gc (not_before)`.execute(db);

    await createSearchIndexIfPossible(db);
  },
};
