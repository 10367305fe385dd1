import { randomUUID } from "node:crypto";
import { payment } from "@arte/contracts";
import { enqueue, failWith, type Logger } from "@arte/platform";
import { type Kysely, sql } from "kysely";
import type { z } from "zod";
import type { PaymentDb } from "../../db/schema.js";
import { premiumOf } from "../settlement/settlement.domain.js";
import type { Settlement } from "../settlement/settlement.service.js";
import {
  decodeKeyset,
  decodeOffset,
  defaultRange,
  encodeKeyset,
  encodeOffset,
  renderReceipt,
} from "./invoices.domain.js";
import { toAdminInvoice, toAttempt, toInvoice, toOffer, toRefund } from "./invoices.mapper.js";

const failPayment = failWith(payment.PaymentErrors);

export type InvoicesDeps = {
  db: Kysely<PaymentDb>;
  log: Logger;
  settlement: Settlement;
  /** Called after an offer (the winner's hold may now be released). */
  onOffered?: (lotId: string) => void;
};

/** The read side (a buyer's purchases and receipts, the admin views) and the admin's actions. */
export function createInvoices(deps: InvoicesDeps) {
  const { db, log } = deps;

  async function mine(userId: string, invoiceId: string) {
    const row = await db
      .selectFrom("invoice")
      .selectAll()
      .where("id", "=", invoiceId)
      .where("buyer_user_id", "=", userId)
      .executeTakeFirst();
    // Another user's invoice is indistinguishable from a missing one.
    if (!row) throw failPayment("INVOICE_NOT_FOUND", "There is no such invoice");
    return row;
  }

  async function adminRow(invoiceId: string) {
    const row = await db.selectFrom("invoice").selectAll().where("id", "=", invoiceId).executeTakeFirst();
    if (!row) throw failPayment("INVOICE_NOT_FOUND", "There is no such invoice");
    return row;
  }

  return {
    async myPurchases(userId: string, q: z.infer<typeof payment.MyPurchasesQuery>) {
      const after = q.cursor === undefined ? undefined : decodeKeyset(q.cursor);
      if (after === null) throw failPayment("CURSOR_INVALID", "The cursor is invalid");
      let query = db
        .selectFrom("invoice")
        .selectAll()
        .where("buyer_user_id", "=", userId)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(q.limit + 1);
      if (after)
        query = query.where(({ eb, refTuple, tuple }) =>
          eb(refTuple("created_at", "id"), "<", tuple(after.at, after.id)),
        );
      const rows = await query.execute();
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return {
        items: items.map(toInvoice),
        nextCursor: rows.length > q.limit && last ? encodeKeyset(last.created_at, last.id) : null,
      };
    },

    async myInvoice(userId: string, invoiceId: string) {
      return toInvoice(await mine(userId, invoiceId));
    },

    async myReceipt(userId: string, invoiceId: string, lang: "ko" | "en") {
      const row = await mine(userId, invoiceId);
      return renderReceipt(toInvoice(row), lang);
    },

    async adminList(q: payment.AdminInvoiceListQuery) {
      const offset = q.cursor === undefined ? 0 : decodeOffset(q.cursor);
      if (offset === null) throw failPayment("CURSOR_INVALID", "The cursor is invalid");
      let query = db.selectFrom("invoice").selectAll();
      if (q.status) query = query.where("status", "=", q.status);
      if (q.from) query = query.where("created_at", ">=", new Date(q.from));
      if (q.to) query = query.where("created_at", "<", new Date(q.to));
      const rows = await query
        .orderBy(sql`(status = 'PAYMENT_FAILED')`, "desc")
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .offset(offset)
        .limit(q.limit + 1)
        .execute();
      const items = rows.slice(0, q.limit);
      return {
        items: items.map(toAdminInvoice),
        nextCursor: rows.length > q.limit ? encodeOffset(offset + q.limit) : null,
      };
    },

    async adminGet(invoiceId: string) {
      const row = await adminRow(invoiceId);
      const [attempts, refunds, offer] = await Promise.all([
        db
          .selectFrom("payment_attempt")
          .selectAll()
          .where("invoice_id", "=", invoiceId)
          .orderBy("at")
          .execute(),
        db
          .selectFrom("refund")
          .selectAll()
          .where("invoice_id", "=", invoiceId)
          .orderBy("created_at")
          .execute(),
        db.selectFrom("runner_up_offer").selectAll().where("invoice_id", "=", invoiceId).executeTakeFirst(),
      ]);
      return {
        ...toAdminInvoice(row),
        paymentAttempts: attempts.map(toAttempt),
        refunds: refunds.map(toRefund),
        runnerUpOffer: offer ? toOffer(offer) : null,
      };
    },

    async retry(invoiceId: string) {
      const row = await adminRow(invoiceId);
      if (row.status !== "PAYMENT_FAILED")
        throw failPayment("INVOICE_NOT_FAILED", "Only a failed payment can be retried", {
          status: row.status,
        });
      const after = await deps.settlement.retry(invoiceId);
      if (!after) {
        const offered = await db
          .selectFrom("runner_up_offer")
          .select("id")
          .where("invoice_id", "=", invoiceId)
          .executeTakeFirst();
        if (offered) throw failPayment("RUNNER_UP_ALREADY_OFFERED", "The lot was offered to the runner-up");
        const now = await adminRow(invoiceId);
        throw failPayment("INVOICE_NOT_FAILED", "Only a failed payment can be retried", {
          status: now.status,
        });
      }
      return toAdminInvoice(after);
    },

    /**
     * Offers a failed payment's lot to the runner-up (the highest other bidder, from the bid read model)
     * at their last bid plus the lot's premium rate: recorded once per invoice and announced. The winner
     * is then no longer expected to pay: the hold sweeper releases their hold.
     */
    async offerRunnerUp(invoiceId: string, adminUserId: string) {
      const result = await db.transaction().execute(async (trx) => {
        const inv = await trx
          .selectFrom("invoice")
          .selectAll()
          .where("id", "=", invoiceId)
          .forUpdate()
          .executeTakeFirst();
        if (!inv) throw failPayment("INVOICE_NOT_FOUND", "There is no such invoice");
        const existing = await trx
          .selectFrom("runner_up_offer")
          .select("id")
          .where("invoice_id", "=", invoiceId)
          .executeTakeFirst();
        if (existing)
          throw failPayment("RUNNER_UP_ALREADY_OFFERED", "The lot was already offered to the runner-up");
        if (inv.status !== "PAYMENT_FAILED")
          throw failPayment("INVOICE_NOT_FAILED", "Only a failed payment's lot can be offered", {
            status: inv.status,
          });
        if (inv.bank_hold_id) {
          const h = await trx
            .selectFrom("lot_hold")
            .select("status")
            .where("hold_id", "=", inv.bank_hold_id)
            .executeTakeFirst();
          if (h?.status === "CAPTURED")
            throw failPayment(
              "INVOICE_NOT_FAILED",
              "The winner's hold was captured: retry to record the payment",
            );
        }
        const runner = await trx
          .selectFrom("lot_bid")
          .selectAll()
          .where("lot_id", "=", inv.lot_id)
          .where("user_id", "<>", inv.buyer_user_id)
          .orderBy("amount", "desc")
          .orderBy("last_bid_at", "asc")
          .executeTakeFirst();
        if (!runner) throw failPayment("NO_RUNNER_UP", "Nobody else bid on this lot");
        const premium = premiumOf(runner.amount, inv.premium_bps);
        const offer = await trx
          .insertInto("runner_up_offer")
          .values({
            id: randomUUID(),
            invoice_id: inv.id,
            lot_id: inv.lot_id,
            user_id: runner.user_id,
            amount: runner.amount,
            premium,
            total: runner.amount + premium,
            admin_user_id: adminUserId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await enqueue(trx, payment.RunnerUpOfferedV1, {
          offerId: offer.id,
          invoiceId: inv.id,
          number: inv.number,
          lotId: inv.lot_id,
          artworkId: inv.artwork_id,
          userId: offer.user_id,
          amount: offer.amount,
          premium: offer.premium,
          total: offer.total,
          offeredAt: offer.created_at.toISOString(),
        });
        return offer;
      });
      log.info({ invoiceId, offerId: result.id, userId: result.user_id }, "lot offered to the runner-up");
      deps.onOffered?.(result.lot_id);
      return toOffer(result);
    },

    async dailyTotals(q: z.infer<typeof payment.DailyTotalsQuery>) {
      const range = defaultRange(q.from, q.to, q.tz);
      if (!range) throw failPayment("INVALID_RANGE", "`from` must not be after `to`, at most 366 days apart");
      const r = await sql<{
        day: string;
        paid_count: number;
        hammer: number;
        premium: number;
        total: number;
        refund_count: number;
        refunded: number;
      }>`
        with days as (
          select d::date as day from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') d
        ),
        paid as (
          select (paid_at at time zone ${q.tz})::date as day, count(*)::int as n,
                 sum(hammer)::bigint as hammer, sum(premium)::bigint as premium, sum(total)::bigint as total
          from invoice
          where paid_at is not null
            and (paid_at at time zone ${q.tz})::date between ${range.from}::date and ${range.to}::date
          group by 1
        ),
        refunded as (
          select (completed_at at time zone ${q.tz})::date as day, count(*)::int as n, sum(amount)::bigint as amount
          from refund
          where status = 'COMPLETED'
            and (completed_at at time zone ${q.tz})::date between ${range.from}::date and ${range.to}::date
          group by 1
        )
        select to_char(days.day, 'YYYY-MM-DD') as day,
               coalesce(p.n, 0) as paid_count, coalesce(p.hammer, 0) as hammer,
               coalesce(p.premium, 0) as premium, coalesce(p.total, 0) as total,
               coalesce(f.n, 0) as refund_count, coalesce(f.amount, 0) as refunded
        from days left join paid p on p.day = days.day left join refunded f on f.day = days.day
        order by days.day`.execute(db);
      return {
        tz: q.tz,
        items: r.rows.map((x) => ({
          day: x.day,
          paidCount: x.paid_count,
          hammer: Number(x.hammer),
          premium: Number(x.premium),
          total: Number(x.total),
          refundCount: x.refund_count,
          refunded: Number(x.refunded),
          net: Number(x.total) - Number(x.refunded),
        })),
      };
    },
  };
}
export type Invoices = ReturnType<typeof createInvoices>;
