import { randomUUID } from "node:crypto";
import { durableName } from "@arte/contracts";
import { InvoiceFailedV1, InvoicePaidV1, RefundIssuedV1 } from "@arte/contracts/payment.js";
import { claimInbox, type EventHandler } from "@arte/platform";
import type { Kysely } from "kysely";
import type { NotificationDb } from "../db/schema.js";
import {
  formatInstant,
  formatWon,
  titleFor,
  UNKNOWN_TITLE,
} from "../modules/auction-mail/auction-mail.domain.js";
import type { DeliveryService } from "../modules/email/delivery.service.js";
import { notificationsRepository as notifications } from "../modules/inapp/notifications.repository.js";
import { readModels } from "../modules/readmodels/readmodels.repository.js";
import { SERVICE } from "./service.js";

export type PaymentEventDeps = {
  db: Kysely<NotificationDb>;
  delivery: DeliveryService;
  publicUrl: string;
};

type Recipient = NonNullable<Awaited<ReturnType<typeof readModels.recipient>>>;

/**
 * Looks up the buyer and the artwork's title (in the buyer's language, a neutral phrase when the
 * catalog's artwork is not known here yet). A buyer without a `recipient` row gets no email: a SKIPPED
 * row records it, once per source.
 */
async function buyerAndTitle(
  deps: PaymentEventDeps,
  d: { buyerUserId: string; artworkId: string },
  skip: { sourceId: string; template: "receipt" | "refund" | "payment-failed" },
): Promise<{ recipient: Recipient; title: string } | null> {
  const recipient = await readModels.recipient(deps.db, d.buyerUserId);
  if (!recipient) {
    await deps.delivery.recordSkipped({
      eventId: skip.sourceId,
      template: skip.template,
      userId: d.buyerUserId,
      reason: "recipient unknown",
    });
    return null;
  }
  const title = await readModels.artworkTitle(deps.db, d.artworkId);
  return { recipient, title: titleFor(title, recipient.locale, UNKNOWN_TITLE.purchased) };
}

/**
 * Paid: the receipt email. Keyed by the invoice (one receipt per invoice, whatever event carries it:
 * a re-emitted or replayed `paid` event finds the `sent_message` row and sends nothing).
 */
function invoicePaidHandler(deps: PaymentEventDeps): EventHandler<typeof InvoicePaidV1> {
  return {
    schema: InvoicePaidV1,
    async handle(event, { log }) {
      const d = event.data;
      const who = await buyerAndTitle(deps, d, { sourceId: d.invoiceId, template: "receipt" });
      if (!who) return;
      const loc = who.recipient.locale;
      await deps.delivery.deliver(
        {
          eventId: d.invoiceId,
          template: "receipt",
          userId: d.buyerUserId,
          to: who.recipient.email,
          locale: loc,
          vars: {
            username: who.recipient.username,
            title: who.title,
            number: d.number,
            hammer: formatWon(d.hammer, loc),
            premium: formatWon(d.premium, loc),
            total: formatWon(d.total, loc),
            paidAt: formatInstant(d.paidAt, loc),
            purchasesUrl: `${deps.publicUrl}/my/purchases`,
          },
        },
        log,
      );
    },
  };
}

/** A refund: one email per refund (keyed by the refund id). */
function refundIssuedHandler(deps: PaymentEventDeps): EventHandler<typeof RefundIssuedV1> {
  return {
    schema: RefundIssuedV1,
    async handle(event, { log }) {
      const d = event.data;
      const who = await buyerAndTitle(deps, d, { sourceId: d.refundId, template: "refund" });
      if (!who) return;
      const loc = who.recipient.locale;
      await deps.delivery.deliver(
        {
          eventId: d.refundId,
          template: "refund",
          userId: d.buyerUserId,
          to: who.recipient.email,
          locale: loc,
          vars: {
            username: who.recipient.username,
            title: who.title,
            number: d.number,
            amount: formatWon(d.amount, loc),
            reason: d.reason,
            refundedTotal: formatWon(d.refundedTotal, loc),
            purchasesUrl: `${deps.publicUrl}/my/purchases`,
          },
        },
        log,
      );
    },
  };
}

/**
 * A failed payment: the buyer's in-app `payment_failed` notification (inbox-claimed, once per (event,
 * user)), then an email keyed by the event (an invoice retried and failing again tells them again).
 */
function invoiceFailedHandler(deps: PaymentEventDeps): EventHandler<typeof InvoiceFailedV1> {
  const durable = durableName(SERVICE, InvoiceFailedV1.shape.type.value);
  return {
    schema: InvoiceFailedV1,
    async handle(event, { log }) {
      const d = event.data;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return;
        await notifications.create(trx, {
          id: randomUUID(),
          userId: d.buyerUserId,
          kind: "payment_failed",
          lotId: d.lotId,
          artworkId: d.artworkId,
          title: await readModels.artworkTitle(trx, d.artworkId),
          params: { invoiceId: d.invoiceId, number: d.number, total: d.total, reason: d.reason },
          sourceId: event.id,
        });
      });
      const who = await buyerAndTitle(deps, d, { sourceId: event.id, template: "payment-failed" });
      if (!who) return;
      const loc = who.recipient.locale;
      await deps.delivery.deliver(
        {
          eventId: event.id,
          template: "payment-failed",
          userId: d.buyerUserId,
          to: who.recipient.email,
          locale: loc,
          vars: {
            username: who.recipient.username,
            title: who.title,
            number: d.number,
            total: formatWon(d.total, loc),
            purchasesUrl: `${deps.publicUrl}/my/purchases`,
          },
        },
        log,
      );
    },
  };
}

/** Every PAYMENT handler of the notification service, one durable consumer each. */
export function paymentHandlers(deps: PaymentEventDeps) {
  return [invoicePaidHandler(deps), refundIssuedHandler(deps), invoiceFailedHandler(deps)];
}
