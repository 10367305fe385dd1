import type { EmailTemplate, SentMessageStatus } from "@arte/contracts/notification.js";
import type { PlatformTables } from "@arte/platform";
import type { Generated } from "kysely";

export const SCHEMA = "notification";

export interface SentMessageTable {
  id: string;
  event_id: string;
  template: EmailTemplate;
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

export interface NotificationDb extends PlatformTables {
  sent_message: SentMessageTable;
}
