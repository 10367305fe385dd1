import type { EmailTemplate, SentMessageStatus } from "@arte/contracts/notification.js";
import type { Executor } from "@arte/platform";
import { type Kysely, sql, type Transaction } from "kysely";
import type { NotificationDb, SentMessageTable } from "../../db/schema.js";

type Db = Executor<NotificationDb>;

export type SentMessageRow = {
  id: string;
  event_id: string;
  template: EmailTemplate;
  recipient: string;
  locale: "ko" | "en";
  subject: string;
  status: SentMessageStatus;
  smtp_message_id: string | null;
  attempts: number;
  error: string | null;
  created_at: Date;
  attempted_at: Date;
  sent_at: Date | null;
  /** Computed by the database clock: the PENDING claim is older than the stale limit. */
  stale: boolean;
};

const columns = [
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
  "attempted_at",
  "sent_at",
] as const satisfies readonly (keyof SentMessageTable)[];

export type NewSentMessage = {
  id: string;
  eventId: string;
  template: EmailTemplate;
  userId?: string | null;
  recipient: string;
  locale: "ko" | "en";
  subject: string;
  status: "PENDING" | "SKIPPED" | "FAILED";
  error?: string | null;
};

/** Decides, in the claim's transaction, whether a new send may go ahead: null = yes, else why not. */
export type ClaimGate = (trx: Transaction<NotificationDb>) => Promise<string | null>;

const insertRow = (db: Db, m: NewSentMessage) =>
  db
    .insertInto("sent_message")
    .values({
      id: m.id,
      event_id: m.eventId,
      template: m.template,
      user_id: m.userId ?? null,
      recipient: m.recipient,
      locale: m.locale,
      subject: m.subject,
      status: m.status,
      attempts: m.status === "PENDING" ? 1 : 0,
      error: m.error ?? null,
    })
    .onConflict((oc) => oc.columns(["event_id", "template"]).doNothing())
    .returning(columns)
    .executeTakeFirst();

const selectRow = (db: Db, eventId: string, template: EmailTemplate, staleAfterMs: number) =>
  db
    .selectFrom("sent_message")
    .select(columns)
    .select(
      sql<boolean>`status = 'PENDING' and attempted_at < now() - make_interval(secs => ${staleAfterMs / 1000})`.as(
        "stale",
      ),
    )
    .where("event_id", "=", eventId)
    .where("template", "=", template)
    .executeTakeFirst();

class ConcurrentClaim extends Error {}

/** SQL only. Every write is its own statement, so the caller commits each step before the next. */
export const sentMessageRepository = {
  /**
   * Inserts the (event, template) row unless it exists. Returns the row and whether this call made it;
   * a PENDING insert counts as the first attempt.
   */
  async claim(
    db: Db,
    m: NewSentMessage,
    staleAfterMs: number,
  ): Promise<{ row: SentMessageRow; created: boolean }> {
    const inserted = await insertRow(db, m);
    if (inserted) return { row: { ...inserted, stale: false }, created: true };
    const existing = await selectRow(db, m.eventId, m.template, staleAfterMs);
    if (!existing) throw new Error("sent_message row vanished between insert and select");
    return { row: existing, created: false };
  },

  /**
   * The same claim in one transaction with a gate (the outbid throttle): an existing row is returned
   * as is (a redelivery never consults the gate again); otherwise the gate runs and the row is inserted
   * PENDING, or SKIPPED with the gate's reason, in the transaction of the gate's own writes. Null when a
   * concurrent claim inserted the row first (everything here is rolled back; the caller retries later).
   */
  async claimGated(
    db: Kysely<NotificationDb>,
    m: NewSentMessage,
    staleAfterMs: number,
    gate: ClaimGate,
  ): Promise<{ row: SentMessageRow; created: boolean } | null> {
    return db
      .transaction()
      .execute(async (trx) => {
        const existing = await selectRow(trx, m.eventId, m.template, staleAfterMs);
        if (existing) return { row: existing, created: false };
        const reason = m.status === "PENDING" ? await gate(trx) : null;
        const inserted = await insertRow(trx, reason ? { ...m, status: "SKIPPED", error: reason } : m);
        if (!inserted) throw new ConcurrentClaim();
        return { row: { ...inserted, stale: false }, created: true };
      })
      .catch((err) => {
        if (err instanceof ConcurrentClaim) return null;
        throw err;
      });
  },

  /** Takes a FAILED row for another attempt; false when another delivery took it first. */
  async retake(db: Db, id: string): Promise<boolean> {
    const r = await db
      .updateTable("sent_message")
      .set((eb) => ({
        status: "PENDING",
        attempts: eb("attempts", "+", 1),
        attempted_at: sql<Date>`now()`,
        error: null,
      }))
      .where("id", "=", id)
      .where("status", "=", "FAILED")
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  async markSent(db: Db, id: string, smtpMessageId: string) {
    await db
      .updateTable("sent_message")
      .set({ status: "SENT", smtp_message_id: smtpMessageId, sent_at: sql<Date>`now()`, error: null })
      .where("id", "=", id)
      .where("status", "=", "PENDING")
      .execute();
  },

  /** Ends the current attempt (PENDING or FAILED) with a non-SENT outcome. */
  async markOutcome(db: Db, id: string, status: "FAILED" | "UNKNOWN" | "SKIPPED", error: string) {
    const r = await db
      .updateTable("sent_message")
      .set({ status, error: error.slice(0, 2000) })
      .where("id", "=", id)
      .where("status", "in", ["PENDING", "FAILED"])
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  /** A stale PENDING row becomes UNKNOWN; false when it changed meanwhile. */
  async markStaleUnknown(db: Db, id: string, attempts: number, error: string) {
    const r = await db
      .updateTable("sent_message")
      .set({ status: "UNKNOWN", error })
      .where("id", "=", id)
      .where("status", "=", "PENDING")
      .where("attempts", "=", attempts)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },
};
