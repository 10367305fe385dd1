import { type Kysely, type Migration, sql } from "kysely";

const MONEY = sql`bigint not null check (amount > 0)`;

export const m0001History: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table lot (
        lot_id uuid primary key,
        artwork_id uuid not null,
        status text not null
          check (status in ('SCHEDULED', 'OPEN', 'CLOSED', 'SOLD', 'UNSOLD', 'CANCELLED')),
        current_price bigint not null check (current_price > 0),
        bid_count int not null check (bid_count >= 0),
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        version int not null check (version >= 1),
        leader_user_id uuid,
        leader_version int not null default 0,
        winner_user_id uuid,
        updated_at timestamptz not null default now()
      )`.execute(db);

    await sql`
      create table bidder_alias (
        lot_id uuid not null,
        user_id uuid not null,
        alias text not null,
        created_at timestamptz not null default now(),
        primary key (lot_id, user_id),
        constraint bidder_alias_unique unique (lot_id, alias)
      )`.execute(db);

    await sql`
      create table bid (
        bid_id uuid primary key,
        lot_id uuid not null,
        version int not null,
        user_id uuid not null,
        amount ${MONEY},
        kind text not null check (kind in ('BID', 'RAISE', 'BUY_NOW')),
        leading_after boolean not null,
        placed_at timestamptz not null,
        event_id uuid not null,
        constraint bid_lot_version unique (lot_id, version)
      )`.execute(db);

    await sql`
      create table my_lot (
        user_id uuid not null,
        lot_id uuid not null,
        highest_bid bigint not null check (highest_bid > 0),
        bid_count int not null check (bid_count >= 1),
        first_bid_at timestamptz not null,
        last_bid_at timestamptz not null,
        primary key (user_id, lot_id)
      )`.execute(db);
    await sql`create index my_lot_newest on my_lot (user_id, last_bid_at desc, lot_id desc)`.execute(db);

    await sql`
      create table bid_attempt (
        attempt_id uuid primary key,
        event_id uuid not null unique,
        lot_id uuid not null,
        user_id uuid not null,
        amount ${MONEY},
        outcome text not null check (outcome in ('ACCEPTED', 'REJECTED')),
        code text,
        kind text check (kind in ('BID', 'RAISE', 'BUY_NOW')),
        leading_after boolean,
        next_minimum bigint,
        at timestamptz not null,
        constraint bid_attempt_code check ((outcome = 'REJECTED') = (code is not null))
      )`.execute(db);
    await sql`create index bid_attempt_newest on bid_attempt (at desc, attempt_id desc)`.execute(db);
    await sql`create index bid_attempt_lot on bid_attempt (lot_id, at desc, attempt_id desc)`.execute(db);
    await sql`create index bid_attempt_user on bid_attempt (user_id, at desc, attempt_id desc)`.execute(db);

    await sql`
      create table artwork (
        artwork_id uuid primary key,
        title_ko text not null,
        title_en text,
        artist_name_ko text not null,
        artist_name_en text not null,
        primary_image jsonb,
        archived boolean not null default false,
        version int not null check (version >= 1),
        updated_at timestamptz not null default now()
      )`.execute(db);
  },
};
