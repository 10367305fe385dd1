import { type Kysely, sql } from "kysely";

/** Invoices, payment attempts, refunds, runner-up offers and the read models (lot outcomes, holds, bids). */
export async function up(db: Kysely<unknown>) {
  await sql`create sequence invoice_number_seq`.execute(db);
  await sql`
    create table invoice (
      id uuid primary key,
      number text not null unique,
      lot_id uuid not null unique,
      artwork_id uuid not null,
      buyer_user_id uuid not null,
      seller_account_id uuid not null,
      seller_user_id uuid,
      hammer bigint not null check (hammer > 0),
      premium bigint not null check (premium >= 0),
      premium_bps int not null check (premium_bps between 0 and 10000),
      total bigint not null check (total = hammer + premium),
      bank_hold_id uuid,
      buyer_account_id uuid,
      status text not null check (status in ('ISSUED','PAID','PAYMENT_FAILED','PARTIALLY_REFUNDED','REFUNDED')),
      attempts int not null default 0,
      last_error text,
      last_error_code text,
      next_attempt_at timestamptz not null default now(),
      lease_until timestamptz,
      lease_owner text,
      paid_at timestamptz,
      failed_at timestamptz,
      capture_transfer_id uuid,
      refunded_total bigint not null default 0,
      source_event_id uuid not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (refunded_total >= 0 and refunded_total <= total),
      check ((status in ('PAID','PARTIALLY_REFUNDED','REFUNDED')) = (capture_transfer_id is not null))
    )`.execute(db);
  await sql`create index invoice_due on invoice (next_attempt_at) where status = 'ISSUED'`.execute(db);
  await sql`create index invoice_buyer on invoice (buyer_user_id, created_at desc, id desc)`.execute(db);
  await sql`create index invoice_created on invoice (created_at desc, id desc)`.execute(db);
  await sql`create index invoice_failed on invoice (created_at desc) where status = 'PAYMENT_FAILED'`.execute(
    db,
  );
  await sql`create index invoice_paid_at on invoice (paid_at) where paid_at is not null`.execute(db);

  await sql`
    create table payment_attempt (
      id uuid primary key,
      invoice_id uuid references invoice (id),
      lot_id uuid not null,
      kind text not null check (kind in ('CAPTURE','RELEASE','REFUND')),
      bank_reference text,
      idempotency_key text not null,
      outcome text not null check (outcome in ('PENDING','SUCCEEDED','FAILED')),
      error_code text,
      error text,
      at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index payment_attempt_invoice on payment_attempt (invoice_id, at)`.execute(db);
  await sql`create index payment_attempt_lot on payment_attempt (lot_id, at)`.execute(db);

  await sql`
    create table refund (
      id uuid primary key,
      invoice_id uuid not null references invoice (id),
      amount bigint not null check (amount > 0),
      reason text not null,
      admin_user_id uuid not null,
      idempotency_key text not null unique,
      request_hash text not null,
      status text not null check (status in ('PENDING','COMPLETED','FAILED')),
      transfer_id uuid,
      error_code text,
      error text,
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      lease_until timestamptz,
      created_at timestamptz not null default now(),
      completed_at timestamptz,
      check ((status = 'COMPLETED') = (transfer_id is not null))
    )`.execute(db);
  await sql`create index refund_invoice on refund (invoice_id, created_at)`.execute(db);
  await sql`create index refund_pending on refund (next_attempt_at) where status = 'PENDING'`.execute(db);
  await sql`create index refund_completed_at on refund (completed_at) where status = 'COMPLETED'`.execute(db);

  await sql`
    create table lot_outcome (
      lot_id uuid primary key,
      status text not null check (status in ('SOLD','UNSOLD','CANCELLED')),
      winner_user_id uuid,
      winner_hold_id uuid,
      decided_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table lot_hold (
      hold_id uuid primary key,
      lot_id uuid not null,
      account_id uuid not null,
      user_id uuid,
      amount bigint not null,
      reference text not null,
      status text not null check (status in ('PENDING','CAPTURED','RELEASED')),
      release_attempts int not null default 0,
      next_release_at timestamptz not null default now(),
      last_error text,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index lot_hold_pending on lot_hold (lot_id) where status = 'PENDING'`.execute(db);

  await sql`
    create table lot_bid (
      lot_id uuid not null,
      user_id uuid not null,
      amount bigint not null,
      last_bid_at timestamptz not null,
      primary key (lot_id, user_id)
    )`.execute(db);

  await sql`
    create table runner_up_offer (
      id uuid primary key,
      invoice_id uuid not null unique references invoice (id),
      lot_id uuid not null,
      user_id uuid not null,
      amount bigint not null,
      premium bigint not null,
      total bigint not null,
      admin_user_id uuid not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}
