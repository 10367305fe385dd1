import { payment } from "@arte/contracts";
import { enqueue, type Logger } from "@arte/platform";
import { type Kysely, sql } from "kysely";
import type { PaymentDb } from "../../db/schema.js";
import type { BankClient } from "../../lib/bank.js";
import { type InvoiceRow, invoiceFacts } from "../invoices/invoices.mapper.js";
import { attemptsRepository as attempts } from "./attempts.repository.js";
import { backoffMs, captureKey, classify, type Failure } from "./settlement.domain.js";

/**
 * Test seams between the saga's steps. A hook that throws stops the step right there, as a crash
 * would: the lease stays, the attempt row stays PENDING, and the resume job takes over once the lease
 * has expired.
 */
export type SettlementHooks = {
  /** after the claim (lease taken, attempt recorded), before the bank call */
  beforeCapture?: (invoice: InvoiceRow) => Promise<void>;
  /** after the bank answered the capture, before the invoice is marked PAID */
  afterCapture?: (invoice: InvoiceRow) => Promise<void>;
};

export type SettlementDeps = {
  db: Kysely<PaymentDb>;
  bank: BankClient;
  log: Logger;
  /** This instance's name: the lease owner. */
  instance: string;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  hooks?: SettlementHooks;
  /** Called after an invoice is PAID (the lot's other holds may now be released). */
  onPaid?: (lotId: string) => void;
};

/**
 * The settlement saga of one invoice. Its state is the invoice row:
 *
 *   ISSUED (next_attempt_at, lease_until, attempts) ──capture ok──▶ PAID (+ invoice-paid event)
 *        │ transient failure: attempts < max → ISSUED again, due after a backoff
 *        └ transient past the limit, or the bank's definite no ──▶ PAYMENT_FAILED (+ failed event)
 *   PAYMENT_FAILED ──admin retry──▶ ISSUED (attempts 0) → … the same capture, the same key
 *
 * Steps: (1) claim = take the lease (a conditional UPDATE; SKIP LOCKED in the resume job);
 * (2) record a PENDING attempt; (3) bank.capture with key `payment.capture.<invoiceId>`;
 * (4) one transaction: invoice PAID + attempt SUCCEEDED + invoice-paid event (outbox).
 * A crash anywhere leaves the invoice ISSUED with a lease that expires; the resume job then repeats
 * from (1), and the bank answers a repeated capture from its idempotency record: one capture, ever.
 */
export function createSettlement(deps: SettlementDeps) {
  const { db, log } = deps;
  const leaseInterval = `${deps.leaseMs} milliseconds`;

  /** Takes the lease of due ISSUED invoices (one given invoice, or the oldest due ones). */
  async function claim(opts: { invoiceId?: string; limit?: number }): Promise<InvoiceRow[]> {
    const byId = opts.invoiceId ? sql`and id = ${opts.invoiceId}` : sql``;
    const r = await sql<InvoiceRow>`
      with due as (
        select id from invoice
        where status = 'ISSUED' and next_attempt_at <= now()
          and (lease_until is null or lease_until < now()) ${byId}
        order by next_attempt_at
        limit ${opts.limit ?? 1}
        for update skip locked)
      update invoice i
      set lease_until = now() + ${leaseInterval}::interval, lease_owner = ${deps.instance},
          attempts = i.attempts + 1, updated_at = now()
      from due where i.id = due.id
      returning i.*`.execute(db);
    return r.rows;
  }

  /** The winner's hold when the sold event did not name it: their newest pending hold on the lot. */
  async function resolveHold(inv: InvoiceRow): Promise<string | null> {
    if (inv.bank_hold_id) return inv.bank_hold_id;
    const h = await db
      .selectFrom("lot_hold")
      .select("hold_id")
      .where("lot_id", "=", inv.lot_id)
      .where("user_id", "=", inv.buyer_user_id)
      .where("status", "=", "PENDING")
      .orderBy("updated_at", "desc")
      .executeTakeFirst();
    if (!h) return null;
    await db
      .updateTable("invoice")
      .set({ bank_hold_id: h.hold_id, updated_at: sql<Date>`now()` })
      .where("id", "=", inv.id)
      .where("bank_hold_id", "is", null)
      .execute();
    return h.hold_id;
  }

  /** Steps (2)–(4) for a claimed invoice. */
  async function step(inv: InvoiceRow): Promise<void> {
    const holdId = await resolveHold(inv);
    if (!holdId) {
      await failed(inv, {
        code: "HOLD_UNKNOWN",
        message: "the sold event named no hold and no pending hold of the winner is known",
        transient: true,
      });
      return;
    }
    const key = captureKey(inv.id);
    const attemptId = await attempts.start(db, {
      invoice_id: inv.id,
      lot_id: inv.lot_id,
      kind: "CAPTURE",
      bank_reference: holdId,
      idempotency_key: key,
    });
    await deps.hooks?.beforeCapture?.(inv);
    let captured: Awaited<ReturnType<BankClient["capture"]>>;
    try {
      captured = await deps.bank.capture(
        { holdId, payeeAccountId: inv.seller_account_id, amount: inv.total, key },
        inv.id,
      );
    } catch (err) {
      const f = classify(err);
      await attempts.finish(db, attemptId, "FAILED", f);
      await failed(inv, f);
      return;
    }
    await deps.hooks?.afterCapture?.(inv);
    const paid = await db.transaction().execute(async (trx) => {
      // Any successful capture proves the payment, whoever holds the lease now.
      const row = await trx
        .updateTable("invoice")
        .set({
          status: "PAID",
          paid_at: sql<Date>`now()`,
          capture_transfer_id: captured.transferId,
          buyer_account_id: captured.accountId,
          bank_hold_id: holdId,
          lease_until: null,
          lease_owner: null,
          last_error: null,
          last_error_code: null,
          updated_at: sql<Date>`now()`,
        })
        .where("id", "=", inv.id)
        .where("status", "in", ["ISSUED", "PAYMENT_FAILED"])
        .returningAll()
        .executeTakeFirst();
      await attempts.finish(trx, attemptId, "SUCCEEDED");
      if (!row) return null;
      await enqueue(
        trx,
        payment.InvoicePaidV1,
        { ...invoiceFacts(row), paidAt: row.paid_at!.toISOString(), captureTransferId: captured.transferId },
        { correlationId: inv.id },
      );
      return row;
    });
    if (paid) {
      log.info({ invoiceId: inv.id, lotId: inv.lot_id, total: inv.total }, "invoice paid");
      deps.onPaid?.(inv.lot_id);
    }
  }

  /** A failed attempt: back off, or PAYMENT_FAILED past the limit or on a definite no. */
  async function failed(inv: InvoiceRow, f: Failure) {
    const final = !f.transient || inv.attempts >= deps.maxAttempts;
    const base = db
      .updateTable("invoice")
      .where("id", "=", inv.id)
      .where("status", "=", "ISSUED")
      // Only the lease holder decides; another instance that took over after an expired lease wins.
      .where("lease_owner", "=", deps.instance);
    if (!final) {
      const delay = backoffMs(inv.attempts, deps.retryBaseMs);
      await base
        .set({
          next_attempt_at: sql<Date>`now() + ${`${delay} milliseconds`}::interval`,
          lease_until: null,
          lease_owner: null,
          last_error: f.message.slice(0, 500),
          last_error_code: f.code,
          updated_at: sql<Date>`now()`,
        })
        .execute();
      log.warn(
        { invoiceId: inv.id, code: f.code, attempts: inv.attempts, retryInMs: delay },
        "capture failed; will retry",
      );
      return;
    }
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("invoice")
        .where("id", "=", inv.id)
        .where("status", "=", "ISSUED")
        .where("lease_owner", "=", deps.instance)
        .set({
          status: "PAYMENT_FAILED",
          failed_at: sql<Date>`now()`,
          lease_until: null,
          lease_owner: null,
          last_error: f.message.slice(0, 500),
          last_error_code: f.code,
          updated_at: sql<Date>`now()`,
        })
        .returningAll()
        .executeTakeFirst();
      if (!row) return;
      await enqueue(
        trx,
        payment.InvoiceFailedV1,
        {
          ...invoiceFacts(row),
          reason: f.code,
          message: f.message.slice(0, 500),
          attempts: row.attempts,
          failedAt: row.failed_at!.toISOString(),
        },
        { correlationId: inv.id },
      );
      log.error(
        { invoiceId: inv.id, lotId: inv.lot_id, code: f.code, attempts: row.attempts, err: f.message },
        "payment failed; an admin may retry or offer the lot to the runner-up",
      );
    });
  }

  /** Claims and settles one invoice now if it is due and nobody holds it (after the consumer, a retry). */
  async function runOne(invoiceId: string): Promise<boolean> {
    const [inv] = await claim({ invoiceId });
    if (!inv) return false;
    await step(inv);
    return true;
  }

  /** One round of the resume job: settles due invoices nobody is working on. Returns how many. */
  async function resumeDue(limit = 10): Promise<number> {
    const rows = await claim({ limit });
    await Promise.all(
      rows.map((inv) =>
        step(inv).catch((err) =>
          log.error({ err, invoiceId: inv.id }, "settlement step crashed; resumes after the lease"),
        ),
      ),
    );
    return rows.length;
  }

  /**
   * An admin's retry of a PAYMENT_FAILED invoice: back to ISSUED with a fresh attempt budget, then
   * settled at once (the same capture key: it can never charge twice). Returns the invoice after.
   */
  async function retry(invoiceId: string): Promise<InvoiceRow | undefined> {
    // Reset and take the lease in one statement: the resume job (here or in another instance) cannot
    // claim the invoice between the reset and this request's own attempt.
    const row = await db
      .updateTable("invoice")
      .set({
        status: "ISSUED",
        attempts: 1,
        next_attempt_at: sql<Date>`now()`,
        lease_until: sql<Date>`now() + ${leaseInterval}::interval`,
        lease_owner: deps.instance,
        failed_at: null,
        updated_at: sql<Date>`now()`,
      })
      .where("id", "=", invoiceId)
      .where("status", "=", "PAYMENT_FAILED")
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom("runner_up_offer").select("id").where("invoice_id", "=", invoiceId))),
      )
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await step(row as InvoiceRow).catch((err) =>
      log.error({ err, invoiceId }, "retry step crashed; resumes after the lease"),
    );
    return db.selectFrom("invoice").selectAll().where("id", "=", invoiceId).executeTakeFirst();
  }

  return { claim, step, runOne, resumeDue, retry };
}
export type Settlement = ReturnType<typeof createSettlement>;
