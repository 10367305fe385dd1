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
  /**
   * Read models fed by events (recipients, artworks, watchers, lots and their bidders), the outbid
   * email throttle, watch reminders and in-app notifications.
   */
  "0002_read_models_reminders_inapp": {
    async up(db: Kysely<unknown>) {
      await sql`alter table sent_message add column user_id uuid`.execute(db);
      await sql`
        create table recipient (
          user_id uuid primary key,
          email text not null,
          username text not null,
          locale text not null check (locale in ('ko', 'en')),
          updated_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table artwork (
          artwork_id uuid primary key,
          title_ko text not null,
          title_en text,
          primary_image_url text,
          version int not null,
          updated_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table watcher (
          user_id uuid not null,
          artwork_id uuid not null,
          watching boolean not null,
          changed_at timestamptz not null,
          primary key (user_id, artwork_id)
        )`.execute(db);
      await sql`create index watcher_artwork on watcher (artwork_id) where watching`.execute(db);
      await sql`
        create table lot (
          lot_id uuid primary key,
          artwork_id uuid not null,
          status text not null,
          starts_at timestamptz not null,
          ends_at timestamptz not null,
          version int not null,
          outcome_event_id uuid,
          winner_user_id uuid,
          updated_at timestamptz not null default now()
        )`.execute(db);
      await sql`create index lot_artwork on lot (artwork_id)`.execute(db);
      await sql`
        create table lot_bidder (
          lot_id uuid not null,
          user_id uuid not null,
          created_at timestamptz not null default now(),
          primary key (lot_id, user_id)
        )`.execute(db);
      await sql`
        create table email_throttle (
          user_id uuid not null,
          lot_id uuid not null,
          last_sent_at timestamptz not null,
          primary key (user_id, lot_id)
        )`.execute(db);
      await sql`
        create table reminder (
          id uuid primary key default gen_random_uuid(),
          lot_id uuid not null,
          user_id uuid not null,
          artwork_id uuid not null,
          starts_at timestamptz not null,
          due_at timestamptz not null,
          status text not null default 'PENDING'
            check (status in ('PENDING', 'CLAIMED', 'SENT', 'SKIPPED', 'CANCELLED', 'FAILED')),
          attempts int not null default 0,
          outcome text,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          constraint reminder_once unique (lot_id, user_id)
        )`.execute(db);
      await sql`create index reminder_due on reminder (due_at) where status = 'PENDING'`.execute(db);
      await sql`create index reminder_user_artwork on reminder (user_id, artwork_id) where status = 'PENDING'`.execute(
        db,
      );
      await sql`
        create table notification (
          id uuid primary key,
          user_id uuid not null,
          kind text not null check (kind in ('outbid', 'won', 'lost', 'starting_soon')),
          lot_id uuid,
          artwork_id uuid,
          title_ko text,
          title_en text,
          params jsonb not null default '{}'::jsonb,
          source_id uuid not null,
          read_at timestamptz,
          created_at timestamptz not null default now(),
          constraint notification_once unique (source_id, user_id)
        )`.execute(db);
      await sql`create index notification_user_newest on notification (user_id, created_at desc, id desc)`.execute(
        db,
      );
      await sql`create index notification_user_unread on notification (user_id, created_at desc, id desc) where read_at is null`.execute(
        db,
      );
    },
  },
  /** In-app notifications of a failed payment (payment.invoice.failed.v1). */
  "0003_payment_failed_notification": {
    async up(db: Kysely<unknown>) {
      await sql`alter table notification drop constraint notification_kind_check`.execute(db);
      await sql`
        alter table notification add constraint notification_kind_check
          check (kind in ('outbid', 'won', 'lost', 'starting_soon', 'payment_failed'))`.execute(db);
    },
  },
};
