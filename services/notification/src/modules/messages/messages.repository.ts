import type { EmailTemplate, SentMessageStatus } from "@arte/contracts/notification.js";
import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { NotificationDb } from "../../db/schema.js";

export type MessageCursor = { micros: number; id: string };

/** SQL only: the admin listing, newest first, keyset-paginated on (created_at, id). */
export const messagesRepository = {
  async list(
    db: Executor<NotificationDb>,
    q: { status?: SentMessageStatus; template?: EmailTemplate; limit: number; after?: MessageCursor },
  ) {
    let query = db
      .selectFrom("sent_message")
      .select([
        "id",
        "event_id",
        "template",
        "recipient",
        "locale",
        "subject",
        "status",
        "smtp_message_id",
        "attempts",
        "error",
        "created_at",
        "sent_at",
      ])
      // Microseconds since the epoch: the cursor keeps the column's full precision (a Date would not).
      .select(sql<number>`(extract(epoch from created_at) * 1000000)::int8`.as("created_micros"))
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(q.limit + 1);
    if (q.status) query = query.where("status", "=", q.status);
    if (q.template) query = query.where("template", "=", q.template);
    if (q.after) {
      const { micros, id } = q.after;
      query = query.where(
        sql<boolean>`(created_at, id) < (timestamptz 'epoch' + ${micros}::int8 * interval '1 microsecond', ${id}::uuid)`,
      );
    }
    return query.execute();
  },
};
