import type { NotificationKind } from "@arte/contracts/notification.js";
import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { NotificationDb, NotificationParams } from "../../db/schema.js";
import type { ArtworkTitle } from "../auction-mail/auction-mail.domain.js";

type Db = Executor<NotificationDb>;

export type NewNotification = {
  id: string;
  userId: string;
  kind: NotificationKind;
  lotId: string | null;
  artworkId: string | null;
  title: ArtworkTitle | null;
  params: NotificationParams;
  /** The event (or reminder) it comes from: one notification per (source, user). */
  sourceId: string;
};

export type NotificationCursor = { micros: number; id: string };

const columns = [
  "id",
  "user_id",
  "kind",
  "lot_id",
  "artwork_id",
  "title_ko",
  "title_en",
  "params",
  "read_at",
  "created_at",
] as const;

/** SQL only: in-app notifications. */
export const notificationsRepository = {
  /** Inserts unless (source, user) exists; true when it was new. */
  async create(db: Db, n: NewNotification): Promise<boolean> {
    const r = await db
      .insertInto("notification")
      .values({
        id: n.id,
        user_id: n.userId,
        kind: n.kind,
        lot_id: n.lotId,
        artwork_id: n.artworkId,
        title_ko: n.title?.ko ?? null,
        title_en: n.title?.en ?? null,
        params: JSON.stringify(n.params),
        source_id: n.sourceId,
      })
      .onConflict((oc) => oc.columns(["source_id", "user_id"]).doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  },

  /** A user's notifications, newest first, keyset-paginated on (created_at, id); one extra row. */
  list(db: Db, q: { userId: string; unreadOnly: boolean; limit: number; after?: NotificationCursor }) {
    let query = db
      .selectFrom("notification")
      .select(columns)
      .select(sql<number>`(extract(epoch from created_at) * 1000000)::int8`.as("created_micros"))
      .where("user_id", "=", q.userId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(q.limit + 1);
    if (q.unreadOnly) query = query.where("read_at", "is", null);
    if (q.after) {
      const { micros, id } = q.after;
      query = query.where(
        sql<boolean>`(created_at, id) < (timestamptz 'epoch' + ${micros}::int8 * interval '1 microsecond', ${id}::uuid)`,
      );
    }
    return query.execute();
  },

  async unreadCount(db: Db, userId: string): Promise<number> {
    const r = await db
      .selectFrom("notification")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("user_id", "=", userId)
      .where("read_at", "is", null)
      .executeTakeFirstOrThrow();
    return r.n;
  },

  /** Sets read_at once (a second read keeps the first time); undefined when not the user's. */
  async markRead(db: Db, userId: string, id: string) {
    await db
      .updateTable("notification")
      .set({ read_at: sql<Date>`now()` })
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .where("read_at", "is", null)
      .execute();
    return db
      .selectFrom("notification")
      .select(columns)
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .executeTakeFirst();
  },

  async markAllRead(db: Db, userId: string): Promise<number> {
    const r = await db
      .updateTable("notification")
      .set({ read_at: sql<Date>`now()` })
      .where("user_id", "=", userId)
      .where("read_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
};
export type NotificationRow = NonNullable<Awaited<ReturnType<typeof notificationsRepository.markRead>>>;
