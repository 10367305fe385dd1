import { randomUUID } from "node:crypto";
import { type Logger, PermanentError } from "@arte/platform";
import type { Kysely } from "kysely";
import type { NotificationDb } from "../../db/schema.js";
import { formatInstant, minutesBefore, titleFor } from "../auction-mail/auction-mail.domain.js";
import type { DeliveryService } from "../email/delivery.service.js";
import { notificationsRepository as notifications } from "../inapp/notifications.repository.js";
import { readModels } from "../readmodels/readmodels.repository.js";
import { remindersRepository as reminders } from "./reminders.repository.js";

export type ReminderJobOptions = {
  db: Kysely<NotificationDb>;
  delivery: DeliveryService;
  log: Logger;
  publicUrl: string;
  /** Pause between rounds (default 5 s). */
  tickMs?: number;
  /** Reminders per round at most (default 500). */
  batch?: number;
  /** Sends tried at most per reminder (default 5); transient SMTP failures wait `retryMs` × attempt. */
  maxAttempts?: number;
  retryMs?: number;
};

export type StepOutcome = "sent" | "skipped" | "cancelled" | "retry" | "failed";

/**
 * Sends the "starting soon" emails. Runs in every instance: a due reminder is claimed with
 * FOR UPDATE SKIP LOCKED and moved to CLAIMED in the transaction that checks it (lot still scheduled and
 * not started, user still watching) and writes the in-app notification, so each (lot, user) is taken by
 * exactly one instance once. The email then goes through the delivery service keyed by the reminder id
 * (at most once, like every email). A transient SMTP failure puts the reminder back with a delay; a
 * process that dies while a reminder is CLAIMED leaves it CLAIMED: never a second email.
 */
export function createReminderJob(opts: ReminderJobOptions) {
  const { db, delivery, log } = opts;
  const tickMs = opts.tickMs ?? 5000;
  const batch = opts.batch ?? 500;
  const maxAttempts = opts.maxAttempts ?? 5;
  const retryMs = opts.retryMs ?? 30_000;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  /** Claims and handles one due reminder; null when none is due (or every due one is held elsewhere). */
  async function step(): Promise<StepOutcome | null> {
    const claimed = await db.transaction().execute(async (trx) => {
      const r = await reminders.claimDue(trx);
      if (!r) return null;
      const end = async (status: "SKIPPED" | "CANCELLED", why: string) => {
        await reminders.finish(trx, r.id, status, why);
        return {
          kind: "ended" as const,
          r,
          outcome: status === "SKIPPED" ? "skipped" : "cancelled",
        } as const;
      };
      const lot = await readModels.lot(trx, r.lot_id);
      const now = new Date();
      if (lot?.status !== "SCHEDULED") return end("SKIPPED", `lot is ${lot?.status ?? "unknown"}`);
      if (lot.starts_at.getTime() <= now.getTime()) return end("SKIPPED", "lot already started");
      if (!(await readModels.isWatching(trx, r.user_id, r.artwork_id))) return end("CANCELLED", "unwatched");
      const title = await readModels.artworkTitle(trx, r.artwork_id);
      await notifications.create(trx, {
        id: randomUUID(),
        userId: r.user_id,
        kind: "starting_soon",
        lotId: r.lot_id,
        artworkId: r.artwork_id,
        title,
        params: { startsAt: lot.starts_at.toISOString() },
        sourceId: r.id,
      });
      const recipient = await readModels.recipient(trx, r.user_id);
      if (!recipient) {
        await reminders.finish(trx, r.id, "SKIPPED", "recipient unknown");
        return { kind: "no-recipient" as const, r };
      }
      await reminders.finish(trx, r.id, "CLAIMED", null, { attemptsPlusOne: true });
      return { kind: "send" as const, r, lot, title, recipient, now, attempts: r.attempts + 1 };
    });
    if (!claimed) return null;
    const { r } = claimed;
    if (claimed.kind === "ended") return claimed.outcome;
    if (claimed.kind === "no-recipient") {
      // The admin bootstrap user (no registration event) and users registered before this service
      // consumed the USER stream: the in-app notification exists, the email is recorded SKIPPED.
      await delivery.recordSkipped({
        eventId: r.id,
        template: "starting-soon",
        userId: r.user_id,
        reason: "recipient unknown",
      });
      return "skipped";
    }

    const { lot, title, recipient, now, attempts } = claimed;
    const rlog = log.child({ reminderId: r.id, lotId: r.lot_id, userId: r.user_id });
    try {
      await delivery.deliver(
        {
          eventId: r.id,
          template: "starting-soon",
          userId: r.user_id,
          to: recipient.email,
          locale: recipient.locale,
          vars: {
            username: recipient.username,
            title: titleFor(title, recipient.locale),
            startsAt: formatInstant(lot.starts_at, recipient.locale),
            minutes: minutesBefore(lot.starts_at, now),
            lotUrl: `${opts.publicUrl}/lots/${r.lot_id}`,
          },
        },
        rlog,
      );
      await reminders.finish(db, r.id, "SENT", null);
      return "sent";
    } catch (err) {
      const reason = String((err as Error)?.message ?? err);
      if (err instanceof PermanentError || attempts >= maxAttempts) {
        rlog.error({ err: reason }, "reminder not sent");
        await reminders.finish(db, r.id, "FAILED", reason);
        return "failed";
      }
      rlog.warn({ err: reason }, "reminder send failed; will retry");
      await reminders.finish(db, r.id, "PENDING", reason, { retryInMs: retryMs * attempts });
      return "retry";
    }
  }

  /** One round: handles due reminders until none is left (or `batch`). */
  async function tick(): Promise<Record<StepOutcome, number>> {
    const counts: Record<StepOutcome, number> = { sent: 0, skipped: 0, cancelled: 0, retry: 0, failed: 0 };
    for (let i = 0; i < batch; i++) {
      const outcome = await step();
      if (!outcome) break;
      counts[outcome]++;
    }
    return counts;
  }

  async function run() {
    while (running) {
      try {
        await tick();
      } catch (err) {
        log.error({ err }, "reminder round failed");
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, tickMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  }

  return {
    tick,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    /** Stops after the round in flight. */
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
    },
  };
}
export type ReminderJob = ReturnType<typeof createReminderJob>;
