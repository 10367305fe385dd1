import {
  type InAppNotification,
  NotificationErrors,
  type NotificationListQuery,
} from "@arte/contracts/notification.js";
import { failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { NotificationDb } from "../../db/schema.js";
import {
  type NotificationCursor,
  type NotificationRow,
  notificationsRepository as repo,
} from "./notifications.repository.js";

const fail = failWith(NotificationErrors);

const Cursor = z.object({ t: z.number().int().nonnegative(), i: z.uuid() });

export const encodeCursor = (c: NotificationCursor) =>
  Buffer.from(JSON.stringify({ t: c.micros, i: c.id })).toString("base64url");

export function decodeCursor(raw: string): NotificationCursor {
  try {
    const parsed = Cursor.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return { micros: parsed.t, id: parsed.i };
  } catch {
    throw fail("CURSOR_INVALID", "The cursor is invalid");
  }
}

export const toView = (r: NotificationRow): InAppNotification => ({
  id: r.id,
  kind: r.kind,
  lotId: r.lot_id,
  artworkId: r.artwork_id,
  title: r.title_ko === null ? null : { ko: r.title_ko, en: r.title_en },
  params: r.params,
  readAt: r.read_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

/** A user's own in-app notifications: list, count unread, mark read. Every query is scoped by user id. */
export function createNotificationsService(deps: { db: Kysely<NotificationDb> }) {
  const { db } = deps;
  return {
    async list(
      userId: string,
      q: NotificationListQuery,
    ): Promise<{ items: InAppNotification[]; nextCursor: string | null }> {
      const rows = await repo.list(db, {
        userId,
        unreadOnly: q.unread === "true",
        limit: q.limit,
        after: q.cursor ? decodeCursor(q.cursor) : undefined,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toView),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor({ micros: last.created_micros, id: last.id }) : null,
      };
    },

    async unreadCount(userId: string): Promise<{ count: number }> {
      return { count: await repo.unreadCount(db, userId) };
    },

    async markRead(userId: string, id: string): Promise<InAppNotification> {
      const row = await repo.markRead(db, userId, id);
      // Another user's notification is "not found" too: its existence is not revealed.
      if (!row) throw fail("NOTIFICATION_NOT_FOUND", "No such notification");
      return toView(row);
    },

    async markAllRead(userId: string): Promise<{ updated: number }> {
      return { updated: await repo.markAllRead(db, userId) };
    },
  };
}
export type NotificationsService = ReturnType<typeof createNotificationsService>;
