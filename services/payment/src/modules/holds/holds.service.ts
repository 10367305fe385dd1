import type { Logger } from "@arte/platform";
import { AppError } from "@arte/platform";
import { type Kysely, type Selectable, sql } from "kysely";
import type { LotHoldTable, PaymentDb } from "../../db/schema.js";
import type { BankClient } from "../../lib/bank.js";
import { attemptsRepository as attempts } from "../settlement/attempts.repository.js";
import { backoffMs, classify, releaseKey } from "../settlement/settlement.domain.js";

type LotHoldRow = Selectable<LotHoldTable>;

export type HoldSweeperDeps = {
  db: Kysely<PaymentDb>;
  bank: BankClient;
  log: Logger;
  leaseMs: number;
  retryBaseMs: number;
  /** Release attempts after which every further failure is logged as an error (it keeps retrying). */
  alarmAfter?: number;
};

/**
 * Releases every PENDING hold of a lot whose outcome is known, except the one that pays for it:
 * - UNSOLD / CANCELLED: every hold of the lot;
 * - SOLD: every hold but the winner's (the invoice's hold; while that is not known yet, every hold
 *   but the winner's own ones); the winner's hold too once the lot was offered to the runner-up.
 * Holds come from the bank's hold events (references `lot:<lotId>:…`): the bank's list_holds matches
 * a reference exactly, not by prefix. A hold event that arrives after the outcome is swept as well.
 * Each release has the key `payment.release.<holdId>`; HOLD_ALREADY_ENDED (the auction released it,
 * or it was captured) just records the hold's end. Failures back off and are retried for ever,
 * logged as errors past `alarmAfter`: a hold is never left behind silently.
 */
export function createHoldSweeper(deps: HoldSweeperDeps) {
  const { db, log } = deps;
  const alarmAfter = deps.alarmAfter ?? 8;
  const leaseInterval = `${deps.leaseMs} milliseconds`;

  async function claim(opts: { lotId?: string; limit?: number }): Promise<LotHoldRow[]> {
    const byLot = opts.lotId ? sql`and h.lot_id = ${opts.lotId}` : sql``;
    const r = await sql<LotHoldRow>`
      with due as (
        select h.hold_id
        from lot_hold h
        join lot_outcome o on o.lot_id = h.lot_id
        left join invoice i on i.lot_id = h.lot_id
        where h.status = 'PENDING' and h.next_release_at <= now() ${byLot}
          and (
            o.status <> 'SOLD'
            or (i.id is not null and exists (select 1 from runner_up_offer r where r.invoice_id = i.id))
            or (coalesce(i.bank_hold_id, o.winner_hold_id) is not null
                and h.hold_id <> coalesce(i.bank_hold_id, o.winner_hold_id))
            or (coalesce(i.bank_hold_id, o.winner_hold_id) is null
                and h.user_id is distinct from o.winner_user_id)
          )
        order by h.next_release_at
        limit ${opts.limit ?? 50}
        for update of h skip locked)
      update lot_hold h
      set next_release_at = now() + ${leaseInterval}::interval, release_attempts = h.release_attempts + 1,
          updated_at = now()
      from due where h.hold_id = due.hold_id
      returning h.*`.execute(db);
    return r.rows;
  }

  async function ended(holdId: string, status: "RELEASED" | "CAPTURED", note: string | null) {
    await db
      .updateTable("lot_hold")
      .set({ status, last_error: note, updated_at: sql<Date>`now()` })
      .where("hold_id", "=", holdId)
      .where("status", "=", "PENDING")
      .execute();
  }

  async function release(h: LotHoldRow) {
    const key = releaseKey(h.hold_id);
    const invoice = await db
      .selectFrom("invoice")
      .select("id")
      .where("lot_id", "=", h.lot_id)
      .executeTakeFirst();
    const attemptId = await attempts.start(db, {
      invoice_id: invoice?.id ?? null,
      lot_id: h.lot_id,
      kind: "RELEASE",
      bank_reference: h.hold_id,
      idempotency_key: key,
    });
    try {
      await deps.bank.release({ holdId: h.hold_id, key }, h.lot_id);
      await attempts.finish(db, attemptId, "SUCCEEDED");
      await ended(h.hold_id, "RELEASED", null);
      log.debug({ holdId: h.hold_id, lotId: h.lot_id }, "hold released");
    } catch (err) {
      if (err instanceof AppError && (err.code === "HOLD_ALREADY_ENDED" || err.code === "HOLD_NOT_FOUND")) {
        // Someone else ended it (the auction's own release, the capture): nothing left to release.
        const status =
          (err.details as { status?: string } | undefined)?.status === "CAPTURED" ? "CAPTURED" : "RELEASED";
        await attempts.finish(db, attemptId, "SUCCEEDED", { code: err.code, message: err.message });
        await ended(h.hold_id, status, err.code);
        return;
      }
      const f = classify(err);
      await attempts.finish(db, attemptId, "FAILED", f);
      const delay = backoffMs(h.release_attempts, deps.retryBaseMs);
      await db
        .updateTable("lot_hold")
        .set({
          next_release_at: sql<Date>`now() + ${`${delay} milliseconds`}::interval`,
          last_error: `${f.code}: ${f.message}`.slice(0, 500),
          updated_at: sql<Date>`now()`,
        })
        .where("hold_id", "=", h.hold_id)
        .execute();
      const fields = { holdId: h.hold_id, lotId: h.lot_id, code: f.code, attempts: h.release_attempts };
      if (h.release_attempts >= alarmAfter || !f.transient)
        log.error(fields, "hold release keeps failing; retrying with backoff");
      else log.warn(fields, "hold release failed; will retry");
    }
  }

  /** Releases what is due (of one lot, or of all). Returns how many holds it tried. */
  async function sweep(opts: { lotId?: string; limit?: number } = {}): Promise<number> {
    const rows = await claim(opts);
    await Promise.all(rows.map((h) => release(h)));
    return rows.length;
  }

  return { sweep };
}
export type HoldSweeper = ReturnType<typeof createHoldSweeper>;
