import { type Kysely, type Migration, sql } from "kysely";

/**
 * Accounts, the immutable journal and holds; the HOUSE and CASH accounts. Append-only: never edit once
 * merged. Fixed ids: HOUSE_ACCOUNT_ID / CASH_ACCOUNT_ID in @arte/contracts (literal here on purpose:
 * a migration must not change when code it imports changes).
 */
export const m0001: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table account (
        id uuid primary key,
        number text not null,
        holder_name text not null,
        pin_hash text,
        kind text not null check (kind in ('CUSTOMER', 'HOUSE', 'CASH')),
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'LOCKED', 'CLOSED')),
        failed_pin_attempts int not null default 0 check (failed_pin_attempts >= 0),
        posted bigint not null default 0,
        held bigint not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint account_number_key unique (number),
        constraint account_number_format check (number ~ '^[0-9]{4}-[0-9]{3}-[0-9]{6}$'),
        constraint account_held_nonnegative check (held >= 0),
        -- Only CASH (the outside world) may be overdrawn; nobody else, not even by a hold.
        constraint account_available_nonnegative check (kind = 'CASH' or (posted >= 0 and posted - held >= 0)),
        constraint account_cash_holds_nothing check (kind <> 'CASH' or held = 0),
        constraint account_pin check ((kind = 'CUSTOMER') = (pin_hash is not null))
      )`.execute(db);
    await sql`create index account_holder on account (lower(holder_name))`.execute(db);

    await sql`
      create table hold (
        id uuid primary key,
        account_id uuid not null references account (id),
        amount bigint not null check (amount > 0),
        reference text not null,
        status text not null default 'PENDING' check (status in ('PENDING', 'CAPTURED', 'RELEASED')),
        captured_amount bigint,
        payee_account_id uuid references account (id),
        transfer_id uuid,
        created_at timestamptz not null default now(),
        ended_at timestamptz,
        constraint hold_ended check ((status = 'PENDING') = (ended_at is null)),
        constraint hold_captured check (
          (status = 'CAPTURED') = (captured_amount is not null and payee_account_id is not null and transfer_id is not null)
        ),
        constraint hold_capture_amount check (captured_amount is null or (captured_amount > 0 and captured_amount <= amount))
      )`.execute(db);
    await sql`create index hold_account on hold (account_id, created_at desc)`.execute(db);
    await sql`create index hold_reference on hold (reference, created_at desc)`.execute(db);
    await sql`create index hold_pending on hold (account_id) where status = 'PENDING'`.execute(db);

    await sql`
      create table transfer (
        id uuid primary key,
        seq bigserial not null,
        debit_account_id uuid not null references account (id),
        credit_account_id uuid not null references account (id),
        amount bigint not null check (amount > 0),
        kind text not null check (kind in ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'CAPTURE', 'REFUND')),
        reference text,
        idempotency_key text,
        hold_id uuid references hold (id),
        created_at timestamptz not null default now(),
        constraint transfer_two_sides check (debit_account_id <> credit_account_id),
        constraint transfer_capture_hold check ((kind = 'CAPTURE') = (hold_id is not null)),
        constraint transfer_seq_key unique (seq)
      )`.execute(db);
    // A hold is captured at most once: at most one CAPTURE transfer per hold.
    await sql`create unique index transfer_one_capture on transfer (hold_id) where hold_id is not null`.execute(
      db,
    );
    await sql`create index transfer_debit on transfer (debit_account_id, seq desc)`.execute(db);
    await sql`create index transfer_credit on transfer (credit_account_id, seq desc)`.execute(db);
    await sql`alter table hold add constraint hold_transfer_fk foreign key (transfer_id) references transfer (id)`.execute(
      db,
    );

    // The journal is append-only: no statement may change or remove a posted transfer.
    await sql`
      create function transfer_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'the journal is append-only: % on transfer is not allowed', tg_op
          using errcode = 'restrict_violation';
      end $$`.execute(db);
    await sql`
      create trigger transfer_no_update_delete before update or delete on transfer
      for each row execute function transfer_immutable()`.execute(db);
    await sql`
      create trigger transfer_no_truncate before truncate on transfer
      for each statement execute function transfer_immutable()`.execute(db);

    await sql`
      insert into account (id, number, holder_name, pin_hash, kind) values
        ('00000000-0000-4000-8000-000000000001', '1000-000-000001', 'Arte Moderni (house)', null, 'HOUSE'),
        ('00000000-0000-4000-8000-000000000002', '1000-000-000002', 'Cash (outside world)', null, 'CASH')
    `.execute(db);
  },
};
