import { type Kysely, type Migration, sql } from "kysely";

/** Append-only: a migration, once merged, never changes. */
export const migrations: Record<string, Migration> = {
  "0001_sent_message": {
    async up(db: Kysely<unknown>) {
      await sql`
        create table sent_message (
          id uuid primary key,
          event_id uuid not null,
          template text not null,
          recipient text not null,
          locale text not null check (locale in ('ko', 'en')),
          subject text not null,
          status text not null check (status in ('PENDING', 'SENT', 'FAILED', 'UNKNOWN', 'SKIPPED')),
          smtp_message_id text,
          attempts int not null default 0,
          error text,
          created_at timestamptz not null default now(),
          attempted_at timestamptz not null default now(),
          sent_at timestamptz,
          constraint sent_message_event_template unique (event_id, template),
          constraint sent_message_sent_at check ((status = 'SENT') = (sent_at is not null))
        )`.execute(db);
      await sql`create index sent_message_newest on sent_message (created_at desc, id desc)`.execute(db);
      await sql`create index sent_message_status on sent_message (status, created_at desc)`.execute(db);
    },
  },
};
