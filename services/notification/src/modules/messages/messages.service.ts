import {
  type AdminMessageListQuery,
  NotificationErrors,
  type SentMessage,
} from "@arte/contracts/notification.js";
import { failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { NotificationDb } from "../../db/schema.js";
import { type MessageCursor, messagesRepository as repo } from "./messages.repository.js";

const fail = failWith(NotificationErrors);

const Cursor = z.object({ t: z.number().int().nonnegative(), i: z.uuid() });

export const encodeCursor = (c: MessageCursor) =>
  Buffer.from(JSON.stringify({ t: c.micros, i: c.id })).toString("base64url");

export function decodeCursor(raw: string): MessageCursor {
  try {
    const parsed = Cursor.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return { micros: parsed.t, id: parsed.i };
  } catch {
    throw fail("CURSOR_INVALID", "The cursor is invalid");
  }
}

export function createMessagesService(deps: { db: Kysely<NotificationDb> }) {
  return {
    async list(q: AdminMessageListQuery): Promise<{ items: SentMessage[]; nextCursor: string | null }> {
      const rows = await repo.list(deps.db, {
        status: q.status,
        template: q.template,
        limit: q.limit,
        after: q.cursor ? decodeCursor(q.cursor) : undefined,
      });
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows.at(-1);
      return {
        items: pageRows.map((r) => ({
          id: r.id,
          eventId: r.event_id,
          template: r.template,
          recipient: r.recipient,
          locale: r.locale,
          subject: r.subject,
          status: r.status,
          smtpMessageId: r.smtp_message_id,
          attempts: r.attempts,
          error: r.error,
          createdAt: r.created_at.toISOString(),
          sentAt: r.sent_at?.toISOString() ?? null,
        })),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor({ micros: last.created_micros, id: last.id }) : null,
      };
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
