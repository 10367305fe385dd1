import { type Kysely, type Migration, sql } from "kysely";

/** Lots, accepted bids, per-lot aliases, the change feed, the bidder read model and bid holds. */
export const m0001: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table lot (
        id uuid primary key,
        artwork_id uuid not null,
        seller_account_id uuid not null,
        seller_user_id uuid,
        start_price bigint not null check (start_price > 0),
        reserve_price bigint check (reserve_price is null or reserve_price >= start_price),
        buy_now_price bigint check (buy_now_price is null or buy_now_price > start_price),
        increments jsonb not null,
        soft_close_seconds int not null check (soft_close_seconds between 0 and 3600),
        premium_bps int not null check (premium_bps between 0 and 10000),
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        scheduled_ends_at timestamptz not null,
        status text not null check (status in ('SCHEDULED', 'OPEN', 'CLOSED', 'SOLD', 'UNSOLD', 'CANCELLED')),
        current_price bigint not null,
        bid_count int not null default 0,
        leader_user_id uuid,
        leader_max bigint,
        leader_bid_id uuid,
        next_alias int not null default 1,
        hammer_price bigint,
        premium bigint,
        outcome_reason text,
        cancel_reason text,
        version bigint not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        closed_at timestamptz,
        constraint lot_times check (ends_at > starts_at),
        constraint lot_leader check ((leader_user_id is null) = (leader_max is null))
      )`.execute(db);
    // One live listing per artwork: an UNSOLD or CANCELLED lot's artwork may be listed again.
    await sql`create unique index lot_artwork_live on lot (artwork_id)
      where status in ('SCHEDULED', 'OPEN', 'CLOSED', 'SOLD')`.execute(db);
    // The scheduler's two claims.
    await sql`create index lot_due_open on lot (starts_at) where status = 'SCHEDULED'`.execute(db);
    await sql`create index lot_due_close on lot (ends_at) where status = 'OPEN'`.execute(db);
    await sql`create index lot_listing on lot (status, starts_at, id)`.execute(db);
    await sql`create index lot_listing_all on lot (starts_at, id)`.execute(db);

    await sql`
      create table bid (
        id uuid primary key,
        lot_id uuid not null references lot (id),
        seq int not null,
        user_id uuid not null,
        amount bigint not null check (amount > 0),
        max_amount bigint not null check (max_amount >= amount),
        kind text not null check (kind in ('BID', 'RAISE', 'BUY_NOW')),
        price_after bigint not null,
        leading_after boolean not null,
        hold_id uuid not null,
        created_at timestamptz not null,
        unique (lot_id, seq)
      )`.execute(db);
    await sql`create index bid_lot_user on bid (lot_id, user_id)`.execute(db);

    await sql`
      create table lot_bidder (
        lot_id uuid not null references lot (id),
        user_id uuid not null,
        alias int not null,
        primary key (lot_id, user_id),
        unique (lot_id, alias)
      )`.execute(db);

    await sql`
      create table lot_change (
        lot_id uuid not null references lot (id),
        version bigint not null,
        kind text not null,
        payload jsonb not null,
        at timestamptz not null default clock_timestamp(),
        primary key (lot_id, version)
      )`.execute(db);

    await sql`
      create table bidder (
        user_id uuid primary key,
        suspended boolean not null default false,
        suspended_changed_at timestamptz,
        bank_account_id uuid,
        bank_changed_at timestamptz,
        updated_at timestamptz not null default now()
      )`.execute(db);

    // One row per bank hold this service asks for, written (committed) before the bank call: the
    // reconciler finds every hold a crash may have left behind.
    await sql`
      create table bid_hold (
        id uuid primary key,
        seq bigserial not null unique,
        lot_id uuid not null references lot (id),
        user_id uuid not null,
        account_id uuid not null,
        amount bigint not null check (amount > 0),
        reference text not null unique,
        bank_key text not null unique,
        bank_hold_id uuid,
        status text not null check (status in ('REQUESTED', 'ACTIVE', 'FAILED', 'RELEASING', 'RELEASED', 'WON')),
        reason text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index bid_hold_open on bid_hold (status, updated_at)
      where status in ('REQUESTED', 'ACTIVE', 'RELEASING')`.execute(db);
    await sql`create index bid_hold_lot on bid_hold (lot_id, status)`.execute(db);
    // At most one hold backs a lot's lead.
    await sql`create unique index bid_hold_one_active on bid_hold (lot_id) where status in ('ACTIVE', 'WON')`.execute(
      db,
    );
  },
};
