import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { NotificationDb, ReminderStatus } from "../../db/schema.js";

type Db = Executor<NotificationDb>;

const lead = (leadMs: number) => sql`make_interval(secs => ${leadMs / 1000})`;

/** SQL only: "starting soon" reminders, one per (lot, watcher). */
export const remindersRepository = {
  /**
   * A scheduled lot (its start still ahead): one PENDING reminder per current watcher of its artwork, due
   * `leadMs` before the start; pending reminders of the lot follow a moved start. Finished ones stay.
   */
  async planForLot(db: Db, lot: { lotId: string; artworkId: string; startsAt: Date }, leadMs: number) {
    await sql`
      insert into reminder (lot_id, user_id, artwork_id, starts_at, due_at)
      select ${lot.lotId}, w.user_id, ${lot.artworkId}, ${lot.startsAt}, ${lot.startsAt}::timestamptz - ${lead(leadMs)}
        from watcher w
       where w.artwork_id = ${lot.artworkId} and w.watching
      on conflict (lot_id, user_id) do update
        set starts_at = excluded.starts_at, due_at = excluded.due_at, updated_at = now()
        where reminder.status = 'PENDING'`.execute(db);
    await sql`
      update reminder set starts_at = ${lot.startsAt}, due_at = ${lot.startsAt}::timestamptz - ${lead(leadMs)}, updated_at = now()
       where lot_id = ${lot.lotId} and status = 'PENDING' and starts_at <> ${lot.startsAt}`.execute(db);
  },

  /** A new watcher: reminders for the artwork's lots that are scheduled and not started (re-arms cancelled ones). */
  async planForWatcher(db: Db, userId: string, artworkId: string, leadMs: number) {
    await sql`
      insert into reminder (lot_id, user_id, artwork_id, starts_at, due_at)
      select l.lot_id, ${userId}, l.artwork_id, l.starts_at, l.starts_at - ${lead(leadMs)}
        from lot l
       where l.artwork_id = ${artworkId} and l.status = 'SCHEDULED' and l.starts_at > now()
      on conflict (lot_id, user_id) do update
        set status = 'PENDING', starts_at = excluded.starts_at, due_at = excluded.due_at, outcome = null,
            updated_at = now()
        where reminder.status = 'CANCELLED'`.execute(db);
  },

  /** An unwatch: the user's pending reminders for the artwork will not be sent. */
  async cancelForWatcher(db: Db, userId: string, artworkId: string) {
    await db
      .updateTable("reminder")
      .set({ status: "CANCELLED", outcome: "unwatched", updated_at: sql<Date>`now()` })
      .where("user_id", "=", userId)
      .where("artwork_id", "=", artworkId)
      .where("status", "=", "PENDING")
      .execute();
  },

  /** One due PENDING reminder, locked; rows another instance holds are skipped. */
  claimDue(db: Db) {
    return db
      .selectFrom("reminder")
      .select(["id", "lot_id", "user_id", "artwork_id", "starts_at", "attempts"])
      .where("status", "=", "PENDING")
      .where("due_at", "<=", sql<Date>`clock_timestamp()`)
      .orderBy("due_at")
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
  },

  async finish(
    db: Db,
    id: string,
    status: ReminderStatus,
    outcome: string | null,
    changes: { attemptsPlusOne?: boolean; retryInMs?: number } = {},
  ) {
    await db
      .updateTable("reminder")
      .set((eb) => ({
        status,
        outcome: outcome?.slice(0, 1000) ?? null,
        updated_at: sql<Date>`now()`,
        ...(changes.attemptsPlusOne ? { attempts: eb("attempts", "+", 1) } : {}),
        ...(changes.retryInMs !== undefined
          ? { due_at: sql<Date>`clock_timestamp() + make_interval(secs => ${changes.retryInMs / 1000})` }
          : {}),
      }))
      .where("id", "=", id)
      .execute();
  },
};
