import { randomUUID } from "node:crypto";
import { AUCTION_STREAM, BANK_STREAM, durableName, type EventSchema, payment } from "@arte/contracts";
import { BidPlacedV1, LotCancelledV1, LotSoldV1, LotUnsoldV1 } from "@arte/contracts/auction.js";
import { HoldCapturedV1, HoldPlacedV1, HoldReleasedV1 } from "@arte/contracts/bank.js";
import {
  type Bus,
  claimInbox,
  type EventHandler,
  enqueue,
  type Logger,
  type Metrics,
  PermanentError,
  type RunningConsumer,
  runConsumer,
} from "@arte/platform";
import { type Kysely, sql } from "kysely";
import type { PaymentDb } from "../db/schema.js";
import { invoiceFacts } from "../modules/invoices/invoices.mapper.js";
import { invoiceNumber, parseHoldReference, premiumOf } from "../modules/settlement/settlement.domain.js";

export const SERVICE = "payment";
const durableOf = (schema: EventSchema) => durableName(SERVICE, schema.shape.type.value);

export type HandlerDeps = {
  db: Kysely<PaymentDb>;
  /** A new invoice is ready: settle it now (the resume job would otherwise, a tick later). */
  onInvoiceIssued?: (invoiceId: string) => void;
  /** A lot's outcome or one of its holds became known: release what is due. */
  onLotSettled?: (lotId: string) => void;
};

/**
 * auction.lot.sold.v1 → one invoice per lot (inbox + `invoice.lot_id` UNIQUE: a replay, a new event id
 * for the same sale, or two instances at once all end with one invoice and one issued event).
 */
export function lotSoldHandler(deps: HandlerDeps): EventHandler<typeof LotSoldV1> {
  const durable = durableOf(LotSoldV1);
  return {
    schema: LotSoldV1,
    async handle(event, { log }) {
      const d = event.data;
      if (!d.winnerUserId || !d.hammerPrice || !d.sellerAccountId)
        // Not a payable sale: dead-lettered (visible, replayable), nothing written, no hold released.
        throw new PermanentError(
          `lot ${d.lotId} sold without winnerUserId, hammerPrice or sellerAccountId; cannot invoice`,
        );
      if (d.premium === undefined && d.premiumBps === undefined)
        throw new PermanentError(`lot ${d.lotId} sold without premium or premiumBps; cannot invoice`);
      const premiumBps = d.premiumBps ?? 0;
      const premium = d.premium ?? premiumOf(d.hammerPrice, premiumBps);
      const created = await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return null;
        await trx
          .insertInto("lot_outcome")
          .values({
            lot_id: d.lotId,
            status: "SOLD",
            winner_user_id: d.winnerUserId!,
            winner_hold_id: d.bankHoldId ?? null,
          })
          .onConflict((oc) => oc.column("lot_id").doNothing())
          .execute();
        const seq = await sql<{ n: number; year: number }>`
          select nextval('invoice_number_seq')::int as n, extract(year from now())::int as year`.execute(trx);
        const { n, year } = seq.rows[0]!;
        const row = await trx
          .insertInto("invoice")
          .values({
            id: randomUUID(),
            number: invoiceNumber(year, n),
            lot_id: d.lotId,
            artwork_id: d.artworkId,
            buyer_user_id: d.winnerUserId!,
            seller_account_id: d.sellerAccountId!,
            seller_user_id: d.sellerUserId ?? null,
            hammer: d.hammerPrice!,
            premium,
            premium_bps: premiumBps,
            total: d.hammerPrice! + premium,
            bank_hold_id: d.bankHoldId ?? null,
            buyer_account_id: null,
            status: "ISSUED",
            last_error: null,
            last_error_code: null,
            lease_until: null,
            lease_owner: null,
            paid_at: null,
            failed_at: null,
            capture_transfer_id: null,
            source_event_id: event.id,
          })
          .onConflict((oc) => oc.column("lot_id").doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        await enqueue(
          trx,
          payment.InvoiceIssuedV1,
          { ...invoiceFacts(row), issuedAt: row.created_at.toISOString() },
          { correlationId: event.correlationId },
        );
        return row;
      });
      if (created) {
        log.info({ invoiceId: created.id, lotId: d.lotId, total: created.total }, "invoice issued");
        deps.onInvoiceIssued?.(created.id);
      }
      deps.onLotSettled?.(d.lotId);
    },
  };
}

/** auction.lot.unsold.v1 / auction.lot.cancelled.v1 → the lot's outcome; every hold of it is released. */
export function lotEndedHandler<S extends typeof LotUnsoldV1 | typeof LotCancelledV1>(
  schema: S,
  status: "UNSOLD" | "CANCELLED",
  deps: HandlerDeps,
): EventHandler<S> {
  const durable = durableOf(schema);
  return {
    schema,
    async handle(event) {
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return;
        await trx
          .insertInto("lot_outcome")
          .values({ lot_id: event.data.lotId, status, winner_user_id: null, winner_hold_id: null })
          .onConflict((oc) => oc.column("lot_id").doNothing())
          .execute();
      });
      deps.onLotSettled?.(event.data.lotId);
    },
  };
}

/** auction.bid.placed.v1 → each bidder's highest bid per lot (the runner-up). */
export function bidPlacedHandler(deps: HandlerDeps): EventHandler<typeof BidPlacedV1> {
  const durable = durableOf(BidPlacedV1);
  return {
    schema: BidPlacedV1,
    async handle(event) {
      const d = event.data;
      if (!d.bidderUserId || !d.amount) return;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return;
        const at = new Date(d.placedAt ?? event.occurredAt);
        await trx
          .insertInto("lot_bid")
          .values({ lot_id: d.lotId, user_id: d.bidderUserId!, amount: d.amount!, last_bid_at: at })
          .onConflict((oc) =>
            oc.columns(["lot_id", "user_id"]).doUpdateSet({
              amount: sql<number>`greatest(lot_bid.amount, excluded.amount)`,
              last_bid_at: sql<Date>`greatest(lot_bid.last_bid_at, excluded.last_bid_at)`,
            }),
          )
          .execute();
      });
    },
  };
}

/**
 * bank.hold.placed/released/captured.v1 → the holds of each lot (reference `lot:<lotId>:…`). An end
 * (released, captured) wins over a placement whatever the arrival order. A capture of an invoice's
 * hold while the invoice is PAYMENT_FAILED (the bank did it, the answer was lost) sends the invoice
 * back to the saga, whose repeated capture (same key) records the payment.
 */
export function holdEventHandler<
  S extends typeof HoldPlacedV1 | typeof HoldReleasedV1 | typeof HoldCapturedV1,
>(schema: S, deps: HandlerDeps): EventHandler<S> {
  const durable = durableOf(schema);
  const status =
    schema === HoldPlacedV1 ? "PENDING" : schema === HoldReleasedV1 ? "RELEASED" : ("CAPTURED" as const);
  return {
    schema,
    async handle(event, { log }) {
      const d = event.data as { holdId: string; accountId: string; reference: string; amount?: number };
      const ref = parseHoldReference(d.reference);
      if (!ref) return; // not a lot's hold
      const amount = d.amount ?? (event.data as { captured?: number }).captured ?? 0;
      let reopened: string | null = null;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return;
        const q = trx.insertInto("lot_hold").values({
          hold_id: d.holdId,
          lot_id: ref.lotId,
          account_id: d.accountId,
          user_id: ref.userId,
          amount,
          reference: d.reference,
          status,
          last_error: null,
        });
        if (status === "PENDING") await q.onConflict((oc) => oc.column("hold_id").doNothing()).execute();
        else
          await q
            .onConflict((oc) =>
              oc
                .column("hold_id")
                .doUpdateSet({ status, updated_at: sql<Date>`now()` })
                .where("lot_hold.status", "=", "PENDING"),
            )
            .execute();
        if (status === "CAPTURED") {
          const inv = await trx
            .updateTable("invoice")
            .set({
              status: "ISSUED",
              attempts: 0,
              next_attempt_at: sql<Date>`now()`,
              failed_at: null,
              updated_at: sql<Date>`now()`,
            })
            .where("bank_hold_id", "=", d.holdId)
            .where("status", "=", "PAYMENT_FAILED")
            .returning("id")
            .executeTakeFirst();
          reopened = inv?.id ?? null;
        }
      });
      if (reopened) {
        log.warn(
          { invoiceId: reopened, holdId: d.holdId },
          "failed invoice's hold was captured; reconciling",
        );
        deps.onInvoiceIssued?.(reopened);
      }
      if (status === "PENDING") deps.onLotSettled?.(ref.lotId);
    },
  };
}

/** Every handler of the service with its stream. */
export function paymentHandlers(deps: HandlerDeps) {
  return [
    { stream: AUCTION_STREAM.name, handler: lotSoldHandler(deps) },
    { stream: AUCTION_STREAM.name, handler: lotEndedHandler(LotUnsoldV1, "UNSOLD", deps) },
    { stream: AUCTION_STREAM.name, handler: lotEndedHandler(LotCancelledV1, "CANCELLED", deps) },
    { stream: AUCTION_STREAM.name, handler: bidPlacedHandler(deps) },
    { stream: BANK_STREAM.name, handler: holdEventHandler(HoldPlacedV1, deps) },
    { stream: BANK_STREAM.name, handler: holdEventHandler(HoldReleasedV1, deps) },
    { stream: BANK_STREAM.name, handler: holdEventHandler(HoldCapturedV1, deps) },
  ] as const;
}

export type ConsumerOptions = {
  bus: Bus;
  log: Logger;
  metrics?: Metrics | undefined;
  backoffMs?: (n: number) => number;
  maxDeliver?: number;
  pullExpiresMs?: number;
};

/** Runs every consumer; `stop()` waits for the messages in flight. */
export async function startConsumers(deps: HandlerDeps & ConsumerOptions) {
  const running: RunningConsumer[] = [];
  try {
    for (const { stream, handler } of paymentHandlers(deps)) {
      running.push(
        await runConsumer(
          deps.bus,
          {
            stream,
            durable: durableOf(handler.schema),
            log: deps.log,
            metrics: deps.metrics,
            ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}),
            ...(deps.maxDeliver ? { maxDeliver: deps.maxDeliver } : {}),
            ...(deps.pullExpiresMs ? { pullExpiresMs: deps.pullExpiresMs } : {}),
          },
          handler as EventHandler<EventSchema>,
        ),
      );
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.stop()));
    throw err;
  }
  return {
    async stop() {
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}
