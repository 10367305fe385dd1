import type { EmailTemplate, NotificationKind, SentMessageStatus } from "@arte/contracts/notification.js";
import type { PlatformTables } from "@arte/platform";
import type { ColumnType, Generated } from "kysely";

export const SCHEMA = "notification";

export interface SentMessageTable {
  id: string;
  event_id: string;
  template: EmailTemplate;
  /** The user it is for (null for emails addressed by email only: codes, welcome before 0002). */
  user_id: string | null;
  recipient: string;
  locale: "ko" | "en";
  subject: string;
  status: SentMessageStatus;
  smtp_message_id: string | null;
  attempts: Generated<number>;
  error: string | null;
  created_at: Generated<Date>;
  /** When the latest attempt claimed the row (database clock); a PENDING row older than that is stale. */
  attempted_at: Generated<Date>;
  sent_at: Date | null;
}

/** Who a user id is, from `user.account.registered.v1`. */
export interface RecipientTable {
  user_id: string;
  email: string;
  username: string;
  locale: "ko" | "en";
  updated_at: Generated<Date>;
}

/** An artwork's title (and primary image when the catalog sends one), from catalog artwork events. */
export interface ArtworkTable {
  artwork_id: string;
  title_ko: string;
  title_en: string | null;
  primary_image_url: string | null;
  version: number;
  updated_at: Generated<Date>;
}

/** Whether a user watches an artwork; the newest watch/unwatch event (by `occurredAt`) wins. */
export interface WatcherTable {
  user_id: string;
  artwork_id: string;
  watching: boolean;
  changed_at: Date;
}

/** A lot as the auction events describe it (newest `version` wins) and its outcome once known. */
export interface LotTable {
  lot_id: string;
  artwork_id: string;
  status: string;
  starts_at: Date;
  ends_at: Date;
  version: number;
  /** The sold/unsold event that closed the lot (the source of its won/lost notifications). */
  outcome_event_id: string | null;
  winner_user_id: string | null;
  updated_at: Generated<Date>;
}

export interface LotBidderTable {
  lot_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

/** The last outbid email per (user, lot). */
export interface EmailThrottleTable {
  user_id: string;
  lot_id: string;
  last_sent_at: Date;
}

export type ReminderStatus = "PENDING" | "CLAIMED" | "SENT" | "SKIPPED" | "CANCELLED" | "FAILED";

/** One "starting soon" reminder per (lot, watcher). */
export interface ReminderTable {
  id: Generated<string>;
  lot_id: string;
  user_id: string;
  artwork_id: string;
  starts_at: Date;
  due_at: Date;
  status: Generated<ReminderStatus>;
  attempts: Generated<number>;
  outcome: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type NotificationParams = Record<string, string | number | boolean | null>;

export interface NotificationTable {
  id: string;
  user_id: string;
  kind: NotificationKind;
  lot_id: string | null;
  artwork_id: string | null;
  title_ko: string | null;
  title_en: string | null;
  params: ColumnType<NotificationParams, string, string>;
  /** The event (or reminder) that caused it: unique per (source_id, user_id). */
  source_id: string;
  read_at: Date | null;
  created_at: Generated<Date>;
}

export interface NotificationDb extends PlatformTables {
  sent_message: SentMessageTable;
  recipient: RecipientTable;
  artwork: ArtworkTable;
  watcher: WatcherTable;
  lot: LotTable;
  lot_bidder: LotBidderTable;
  email_throttle: EmailThrottleTable;
  reminder: ReminderTable;
  notification: NotificationTable;
}
