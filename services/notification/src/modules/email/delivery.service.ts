import { randomUUID } from "node:crypto";
import type { EmailTemplate } from "@arte/contracts/notification.js";
import { type Logger, PermanentError } from "@arte/platform";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { NotificationDb } from "../../db/schema.js";
import { classifySmtpError, DEFAULT_SEND_TIMEOUT_MS, describeSmtpError, type Mailer } from "./mailer.js";
import { type ClaimGate, sentMessageRepository as repo } from "./sent-message.repository.js";
import type { Templates, TemplateVars } from "./templates.js";

export type EmailRequest<T extends EmailTemplate> = {
  eventId: string;
  template: T;
  to: string;
  locale: string;
  vars: TemplateVars[T];
  /** The user it is for, when known (emails about auctions). */
  userId?: string;
  /** A code that is worthless after this instant: the email is skipped once it has passed. */
  expiresAt?: Date;
};

export type DeliveryOutcome = "sent" | "already-done" | "skipped";

export type DeliverOptions = {
  /**
   * Runs in the transaction that claims the send, only for a first claim: null lets it go ahead,
   * a string records the row SKIPPED with that reason (the outbid throttle).
   */
  gate?: ClaimGate;
};

const RecipientAddress = z.email();

/** An attempt for this (event, template) is running elsewhere; redeliver later. */
export class SendInProgressError extends Error {
  override name = "SendInProgressError";
}

export type DeliveryDeps = {
  db: Kysely<NotificationDb>;
  mailer: Mailer;
  templates: Templates;
  log: Logger;
  /** A PENDING row older than this belongs to an attempt that died mid-send. Above the send timeout. */
  staleAfterMs?: number;
  now?: () => Date;
};

/**
 * Sends the email for one (event, template) at most once.
 *
 * 1. claim: insert the sent_message row as PENDING (its own committed statement) or find it;
 * 2. SENT/SKIPPED/UNKNOWN: nothing to do (a redelivery);
 *    PENDING, recent: another attempt is in flight → retry later (transient);
 *    PENDING, stale: an attempt died mid-send; it may have reached the server, so it is NOT resent:
 *    marked UNKNOWN and dead-lettered for a person to decide;
 *    FAILED: the server certainly did not take it → take the row again (conditional update);
 * 3. send; SENT on success; on failure FAILED (transient → redelivered; permanent → dead-lettered)
 *    or UNKNOWN when the server may have accepted it (dead-lettered, never resent).
 */
export function createDeliveryService(deps: DeliveryDeps) {
  const { db, mailer, templates } = deps;
  const staleAfterMs = deps.staleAfterMs ?? 2 * DEFAULT_SEND_TIMEOUT_MS;
  const now = deps.now ?? (() => new Date());

  return {
    /**
     * Records that an email was deliberately not sent (the recipient is unknown here, say), once per
     * (event, template); nothing is rendered and SMTP is not touched.
     */
    async recordSkipped(req: {
      eventId: string;
      template: EmailTemplate;
      userId?: string;
      recipient?: string;
      reason: string;
    }): Promise<void> {
      await repo.claim(
        db,
        {
          id: randomUUID(),
          eventId: req.eventId,
          template: req.template,
          userId: req.userId ?? null,
          recipient: (req.recipient ?? "").slice(0, 320),
          locale: "ko",
          subject: "",
          status: "SKIPPED",
          error: req.reason,
        },
        staleAfterMs,
      );
    },

    async deliver<T extends EmailTemplate>(
      req: EmailRequest<T>,
      log: Logger = deps.log,
      opts: DeliverOptions = {},
    ): Promise<DeliveryOutcome> {
      const rendered = templates.render(req.template, req.locale, req.vars);
      const expired = req.expiresAt !== undefined && req.expiresAt.getTime() <= now().getTime();
      const validRecipient = RecipientAddress.safeParse(req.to).success;
      const base = {
        id: randomUUID(),
        eventId: req.eventId,
        template: req.template,
        userId: req.userId ?? null,
        recipient: req.to.slice(0, 320),
        locale: rendered.locale,
        subject: rendered.subject,
      };
      const initial = !validRecipient
        ? ({ status: "FAILED", error: "invalid recipient address" } as const)
        : expired
          ? ({ status: "SKIPPED", error: "the code had expired before it could be sent" } as const)
          : ({ status: "PENDING" } as const);

      const claimed = opts.gate
        ? await repo.claimGated(db, { ...base, ...initial }, staleAfterMs, opts.gate)
        : await repo.claim(db, { ...base, ...initial }, staleAfterMs);
      if (!claimed) throw new SendInProgressError(`${req.template}: claimed concurrently`);
      const { row, created } = claimed;
      const mlog = log.child({ sentMessageId: row.id, template: req.template, eventId: req.eventId });

      if (created && row.status !== "PENDING") {
        if (row.status === "SKIPPED") {
          mlog.info({ reason: row.error }, "not sent; skipped");
          return "skipped";
        }
        throw new PermanentError(`${req.template}: ${row.error}`);
      }

      if (!created) {
        switch (row.status) {
          case "SENT":
          case "SKIPPED":
            mlog.info({ status: row.status }, "already handled; nothing sent");
            return "already-done";
          case "UNKNOWN":
            // Dead-lettered when it became UNKNOWN; a redelivery or replay must not resend it.
            mlog.warn("outcome of an earlier attempt is unknown; not resending");
            return "already-done";
          case "PENDING": {
            if (!row.stale) throw new SendInProgressError(`${req.template}: a send is in progress`);
            const reason =
              "an earlier attempt stopped mid-send (process crash?); it may have been delivered, so it is not resent";
            if (await repo.markStaleUnknown(db, row.id, row.attempts, reason)) {
              mlog.error(reason);
              throw new PermanentError(`${req.template}: ${reason}`);
            }
            throw new SendInProgressError(`${req.template}: the row changed meanwhile`);
          }
          case "FAILED": {
            if (!validRecipient) throw new PermanentError(`${req.template}: invalid recipient address`);
            if (expired) {
              await repo.markOutcome(db, row.id, "SKIPPED", "the code had expired before it could be sent");
              mlog.info("code expired before a retry; skipped");
              return "skipped";
            }
            if (!(await repo.retake(db, row.id)))
              throw new SendInProgressError(`${req.template}: another attempt took the row`);
            break;
          }
        }
      }

      // The row is PENDING and ours, committed: whatever happens next, no other attempt sends it.
      let result: Awaited<ReturnType<Mailer["send"]>>;
      try {
        result = await mailer.send({
          to: req.to,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          messageId: `<${req.eventId}.${req.template}@${mailer.domain}>`,
        });
      } catch (err) {
        const kind = classifySmtpError(err);
        const description = describeSmtpError(err);
        if (kind === "unknown") {
          await repo.markOutcome(db, row.id, "UNKNOWN", `outcome unknown: ${description}`);
          mlog.error({ err: description }, "send outcome unknown; not resending");
          throw new PermanentError(`${req.template}: outcome unknown, not resent: ${description}`);
        }
        await repo.markOutcome(db, row.id, "FAILED", description);
        if (kind === "permanent") {
          mlog.error({ err: description }, "permanent SMTP failure");
          throw new PermanentError(`${req.template}: ${description}`);
        }
        mlog.warn({ err: description }, "transient SMTP failure");
        throw new Error(`${req.template}: transient SMTP failure: ${description}`);
      }

      // Sent. Recording it must not turn into a resend: retry the update a few times; if it still
      // fails, the row stays PENDING, goes stale and becomes UNKNOWN — never sent twice.
      for (let attempt = 1; ; attempt++) {
        try {
          await repo.markSent(db, row.id, result.messageId);
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
      mlog.info({ smtpMessageId: result.messageId }, "email sent");
      return "sent";
    },
  };
}
export type DeliveryService = ReturnType<typeof createDeliveryService>;
