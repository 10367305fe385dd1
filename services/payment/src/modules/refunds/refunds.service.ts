import { randomUUID } from "node:crypto";
import { payment } from "@arte/contracts";
import { enqueue, fail, failWith, type Logger, requestHash } from "@arte/platform";
import { type Kysely, sql } from "kysely";
import type { PaymentDb } from "../../db/schema.js";
import type { BankClient } from "../../lib/bank.js";
import { type InvoiceRow, invoiceFacts, type RefundRow } from "../invoices/invoices.mapper.js";
import { attemptsRepository as attempts } from "../settlement/attempts.repository.js";
import { backoffMs, classify, refundKey, refundReference } from "../settlement/settlement.domain.js";

const failPayment = failWith(payment.PaymentErrors);

export type RefundsDeps = {
  db: Kysely<PaymentDb>;
  bank: BankClient;
  log: Logger;
  leaseMs: number;
  retryBaseMs: number;
  /** Transfer attempts after which every further failure is logged as an error (it keeps retrying). */
  alarmAfter?: number;
};

/**
 * Refunds by an admin: a REFUND transfer from the seller's account to the account that paid (the
 * captured hold's account), exactly once per Idempotency-Key.
 *
 * 1. One transaction, the invoice row locked: the key (a replay returns the refund as it stands; the
 *    same key with other arguments is 409), the status (PAID or PARTIALLY_REFUNDED), and the amount
 *    (≤ total − every refund not FAILED); the refund row is written PENDING, which reserves its amount.
 * 2. bank.transfer with key `payment.refund.<refundId>`.
 * 3. One transaction: refund COMPLETED, invoice refunded_total and status, refund-issued event.
 * The bank not answering leaves the refund PENDING (202); the refund job repeats step 2 with the same
 * key until the bank answers, so a refund that did go through is never recorded as failed. A definite
 * no from the bank (insufficient funds on the seller's account, …) makes it FAILED (422 REFUND_FAILED)
 * and frees its amount.
 */
export function createRefunds(deps: RefundsDeps) {
  const { db, log } = deps;
  const alarmAfter = deps.alarmAfter ?? 8;
  const leaseInterval = `${deps.leaseMs} milliseconds`;

  async function reserve(
    invoiceId: string,
    adminUserId: string,
    body: payment.RefundBody,
    key: string,
  ): Promise<{ refund: RefundRow; replayed: boolean }> {
    const hash = requestHash({ invoiceId, amount: body.amount, reason: body.reason });
    try {
      return await reserveOnce(invoiceId, adminUserId, body, key, hash);
    } catch (err) {
      // The same key raced in for another invoice: its row now exists, so the replay check decides.
      if ((err as { code?: string })?.code !== "23505") throw err;
      return reserveOnce(invoiceId, adminUserId, body, key, hash);
    }
  }

  async function reserveOnce(
    invoiceId: string,
    adminUserId: string,
    body: payment.RefundBody,
    key: string,
    hash: string,
  ): Promise<{ refund: RefundRow; replayed: boolean }> {
    return db.transaction().execute(async (trx) => {
      const inv = await trx
        .selectFrom("invoice")
        .selectAll()
        .where("id", "=", invoiceId)
        .forUpdate()
        .executeTakeFirst();
      if (!inv) throw failPayment("INVOICE_NOT_FOUND", "There is no such invoice");
      const prior = await trx
        .selectFrom("refund")
        .selectAll()
        .where("idempotency_key", "=", key)
        .executeTakeFirst();
      if (prior) {
        if (prior.request_hash !== hash)
          throw fail("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used with different arguments");
        return { refund: prior, replayed: true };
      }
      if (inv.status !== "PAID" && inv.status !== "PARTIALLY_REFUNDED" && inv.status !== "REFUNDED")
        throw failPayment("INVOICE_NOT_PAID", "Only a paid invoice can be refunded", { status: inv.status });
      const reserved = await trx
        .selectFrom("refund")
        .select(sql<number>`coalesce(sum(amount), 0)::bigint`.as("n"))
        .where("invoice_id", "=", invoiceId)
        .where("status", "in", ["PENDING", "COMPLETED"])
        .executeTakeFirstOrThrow();
      const refundable = inv.total - Number(reserved.n);
      if (body.amount > refundable)
        throw failPayment("REFUND_EXCEEDS_PAID", "The refund exceeds what is left to refund", {
          refundable,
          requested: body.amount,
        });
      const refund = await trx
        .insertInto("refund")
        .values({
          id: randomUUID(),
          invoice_id: invoiceId,
          amount: body.amount,
          reason: body.reason,
          admin_user_id: adminUserId,
          idempotency_key: key,
          request_hash: hash,
          status: "PENDING",
          transfer_id: null,
          error_code: null,
          error: null,
          lease_until: sql<Date>`now() + ${leaseInterval}::interval`,
          completed_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { refund, replayed: false };
    });
  }

  /** Step 2 and 3 for a refund whose lease this caller holds. */
  async function execute(refund: RefundRow): Promise<RefundRow> {
    const inv = await db
      .selectFrom("invoice")
      .selectAll()
      .where("id", "=", refund.invoice_id)
      .executeTakeFirstOrThrow();
    const key = refundKey(refund.id);
    const attemptId = await attempts.start(db, {
      invoice_id: inv.id,
      lot_id: inv.lot_id,
      kind: "REFUND",
      bank_reference: refund.id,
      idempotency_key: key,
    });
    let transferId: string;
    try {
      if (!inv.buyer_account_id) throw failPayment("INVOICE_NOT_PAID", "The paying account is not known");
      ({ transferId } = await deps.bank.transfer(
        {
          fromAccountId: inv.seller_account_id,
          toAccountId: inv.buyer_account_id,
          amount: refund.amount,
          kind: "REFUND",
          reference: refundReference(inv.number, refund.id),
          key,
        },
        refund.id,
      ));
    } catch (err) {
      const f = classify(err);
      await attempts.finish(db, attemptId, "FAILED", f);
      if (f.transient) {
        const delay = backoffMs(refund.attempts + 1, deps.retryBaseMs);
        const row = await db
          .updateTable("refund")
          .set({
            attempts: sql<number>`attempts + 1`,
            next_attempt_at: sql<Date>`now() + ${`${delay} milliseconds`}::interval`,
            lease_until: null,
            error_code: f.code,
            error: f.message.slice(0, 500),
          })
          .where("id", "=", refund.id)
          .where("status", "=", "PENDING")
          .returningAll()
          .executeTakeFirst();
        const fields = { refundId: refund.id, code: f.code, attempts: refund.attempts + 1 };
        if (refund.attempts + 1 >= alarmAfter) log.error(fields, "refund transfer keeps failing; retrying");
        else log.warn(fields, "refund transfer failed; will retry");
        return row ?? refund;
      }
      const row = await db
        .updateTable("refund")
        .set({
          status: "FAILED",
          attempts: sql<number>`attempts + 1`,
          lease_until: null,
          error_code: f.code,
          error: f.message.slice(0, 500),
        })
        .where("id", "=", refund.id)
        .where("status", "=", "PENDING")
        .returningAll()
        .executeTakeFirst();
      log.error({ refundId: refund.id, invoiceId: inv.id, code: f.code }, "the bank refused a refund");
      return row ?? refund;
    }
    return complete(refund, inv, transferId, attemptId);
  }

  async function complete(refund: RefundRow, inv0: InvoiceRow, transferId: string, attemptId: string) {
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("refund")
        .set({
          status: "COMPLETED",
          transfer_id: transferId,
          completed_at: sql<Date>`now()`,
          lease_until: null,
          attempts: sql<number>`attempts + 1`,
          error_code: null,
          error: null,
        })
        .where("id", "=", refund.id)
        .where("status", "=", "PENDING")
        .returningAll()
        .executeTakeFirst();
      await attempts.finish(trx, attemptId, "SUCCEEDED");
      if (!row) {
        return trx.selectFrom("refund").selectAll().where("id", "=", refund.id).executeTakeFirstOrThrow();
      }
      const inv = await trx
        .updateTable("invoice")
        .set({
          refunded_total: sql<number>`refunded_total + ${row.amount}`,
          status: sql`case when refunded_total + ${row.amount} = total then 'REFUNDED' else 'PARTIALLY_REFUNDED' end`,
          updated_at: sql<Date>`now()`,
        })
        .where("id", "=", inv0.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await enqueue(
        trx,
        payment.RefundIssuedV1,
        {
          ...invoiceFacts(inv),
          refundId: row.id,
          amount: row.amount,
          reason: row.reason,
          refundedTotal: inv.refunded_total,
          invoiceStatus: inv.status,
          transferId,
          refundedAt: row.completed_at!.toISOString(),
        },
        { correlationId: row.id },
      );
      log.info({ refundId: row.id, invoiceId: inv.id, amount: row.amount }, "refund issued");
      return row;
    });
  }

  /** Takes the lease of due PENDING refunds nobody is working on. */
  async function claim(opts: { refundId?: string; limit?: number }): Promise<RefundRow[]> {
    const byId = opts.refundId ? sql`and id = ${opts.refundId}` : sql``;
    const r = await sql<RefundRow>`
      with due as (
        select id from refund
        where status = 'PENDING' and next_attempt_at <= now()
          and (lease_until is null or lease_until < now()) ${byId}
        order by next_attempt_at
        limit ${opts.limit ?? 10}
        for update skip locked)
      update refund f set lease_until = now() + ${leaseInterval}::interval
      from due where f.id = due.id
      returning f.*`.execute(db);
    return r.rows;
  }

  /**
   * The HTTP use case: reserve, then transfer (for a new refund, or a replayed one still PENDING and
   * due). Answers the refund as it stands: COMPLETED (201), PENDING (202) or FAILED (422).
   */
  async function refund(invoiceId: string, adminUserId: string, body: payment.RefundBody, key: string) {
    let { refund: row, replayed } = await reserve(invoiceId, adminUserId, body, key);
    if (!replayed) row = await execute(row);
    else if (row.status === "PENDING") {
      const [claimed] = await claim({ refundId: row.id });
      if (claimed) row = await execute(claimed);
      else row = await settled(row);
    }
    if (row.status === "FAILED")
      throw failPayment("REFUND_FAILED", "The bank refused the refund", {
        refundId: row.id,
        bankCode: row.error_code,
      });
    return row;
  }

  /**
   * A replay that arrives while the first request is still at the bank waits (a while) for its
   * outcome rather than answering PENDING at once.
   */
  async function settled(row: RefundRow): Promise<RefundRow> {
    const deadline = Date.now() + Math.min(deps.leaseMs, 10_000);
    let current = row;
    while (current.status === "PENDING" && current.lease_until && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      current = await db.selectFrom("refund").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    }
    return current;
  }

  /** One round of the refund job. */
  async function resumeDue(limit = 10) {
    const rows = await claim({ limit });
    await Promise.all(
      rows.map((r) => execute(r).catch((err) => log.error({ err, refundId: r.id }, "refund step crashed"))),
    );
    return rows.length;
  }

  return { refund, resumeDue, execute, claim };
}
export type Refunds = ReturnType<typeof createRefunds>;
