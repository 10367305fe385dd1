import { type Generated, type Kysely, type Migration, sql, type Transaction } from "kysely";

/**
 * Tables every service has in its own schema. Names start with `0000_platform_` so they run before a
 * service's own migrations; later platform migrations are named `0000_platform_v<N>_…` and are applied
 * to databases that already ran service migrations (`migrate` allows that order).
 */
export const platformMigrations: Record<string, Migration> = {
  "0000_platform_outbox_inbox": {
    async up(db: Kysely<unknown>) {
      await sql`
        create table outbox (
          id uuid primary key,
          subject text not null,
          payload jsonb not null,
          headers jsonb not null default '{}'::jsonb,
          created_at timestamptz not null default now(),
          published_at timestamptz,
          attempts int not null default 0,
          next_attempt_at timestamptz not null default now(),
          last_error text
        )`.execute(db);
      await sql`create index outbox_pending on outbox (next_attempt_at, created_at) where published_at is null`.execute(
        db,
      );
      await sql`create index outbox_published on outbox (published_at) where published_at is not null`.execute(
        db,
      );
      await sql`
        create table inbox (
          consumer text not null,
          message_id text not null,
          processed_at timestamptz not null default now(),
          primary key (consumer, message_id)
        )`.execute(db);
      await sql`create index inbox_processed on inbox (processed_at)`.execute(db);
      await sql`
        create table idempotency_key (
          scope text not null,
          key text not null,
          request_hash text not null,
          response jsonb,
          status int,
          created_at timestamptz not null default now(),
          primary key (scope, key)
        )`.execute(db);
    },
  },
  // Insertion order of outbox rows. created_at is the transaction's start time, the same for every row
  // of one transaction, so ordering by it (then by a random uuid) shuffled the events of a transaction.
  "0000_platform_v2_outbox_seq": {
    async up(db: Kysely<unknown>) {
      await sql`alter table outbox add column seq bigserial`.execute(db);
      await sql`drop index outbox_pending`.execute(db);
      await sql`create index outbox_pending on outbox (seq) where published_at is null`.execute(db);
    },
  },
};

/** Kysely table types for the platform tables, to be merged into each service's DB type. */
export interface PlatformTables {
  outbox: {
    id: string;
    subject: string;
    payload: unknown;
    headers: Generated<unknown>;
    created_at: Generated<Date>;
    published_at: Date | null;
    attempts: Generated<number>;
    next_attempt_at: Generated<Date>;
    last_error: string | null;
    /** Insertion order (bigserial): the relay publishes in this order. */
    seq: Generated<number>;
  };
  inbox: { consumer: string; message_id: string; processed_at: Generated<Date> };
  idempotency_key: {
    scope: string;
    key: string;
    request_hash: string;
    response: unknown;
    status: number | null;
    created_at: Generated<Date>;
  };
}

/** Any service's pool or transaction: platform helpers only touch the platform tables through it. */
// biome-ignore lint/suspicious/noExplicitAny: platform helpers work on every service's database type
export type AnyExecutor = Kysely<any> | Transaction<any>;
