import { randomUUID } from "node:crypto";
import { bank, CASH_ACCOUNT_ID } from "@arte/contracts";
import { enqueue, failWith, idempotent, type Logger } from "@arte/platform";
import type { Kysely, Transaction } from "kysely";
import type { z } from "zod";
import type { BankDb } from "../../db/schema.js";
import { DEFAULT_PIN_SCRYPT, hashPin, type ScryptParams, verifyPin } from "../../lib/pin.js";
import {
  afterWrongPin,
  available,
  decodeSeqCursor,
  encodeSeqCursor,
  inLockOrder,
  MAX_PIN_ATTEMPTS,
  newAccountNumber,
  splitCapture,
} from "./ledger.domain.js";
import { type AccountRow, type HoldRow, ledgerRepository as repo } from "./ledger.repository.js";

const fail = failWith(bank.BankErrors);

type Req<S extends { request: z.ZodType }> = z.infer<S["request"]>;
type Res<S extends { response: z.ZodType }> = z.input<S["response"]>;

/** Who asks: the verified calling service (null only for in-process callers such as tests). */
export type BankContext = { caller: string | null; correlationId?: string | undefined };

export type BankServiceDeps = {
  db: Kysely<BankDb>;
  log?: Logger;
  pinParams?: ScryptParams;
  /** Draws a customer account number (tests inject collisions). */
  newNumber?: () => string;
  /**
   * Runs inside every money transaction just before it commits. Tests inject failures here (a
   * statement that errors, a throw): the transaction must then leave no trace.
   */
  beforeCommit?: (op: string, trx: Transaction<BankDb>, key: string) => Promise<void>;
};

export const toBalance = (a: AccountRow): bank.Balance => ({
  accountId: a.id,
  number: a.number,
  holderName: a.holder_name,
  kind: a.kind,
  status: a.status,
  posted: a.posted,
  held: a.held,
  available: available(a),
});

export const toHold = (h: HoldRow): z.input<typeof bank.Hold> => ({
  holdId: h.id,
  accountId: h.account_id,
  amount: h.amount,
  reference: h.reference,
  status: h.status,
  capturedAmount: h.captured_amount,
  createdAt: h.created_at.toISOString(),
  endedAt: h.ended_at?.toISOString() ?? null,
});

/** A journal or hold row that names an unknown account fails its foreign key: that is a 404, not a 500. */
function notFoundOnForeignKey(e: unknown): never {
  const pg = e as { code?: string; constraint?: string; detail?: string };
  if (pg?.code === "23503") {
    const accountId = /\(([0-9a-f-]{36})\)/.exec(pg.detail ?? "")?.[1];
    throw fail("ACCOUNT_NOT_FOUND", "There is no such account", accountId ? { accountId } : undefined);
  }
  throw e;
}

/** One balance change of a transaction; applied in lock order (customers, HOUSE, CASH). */
type Posting = {
  accountId: string;
  amount: number;
  apply: (trx: Transaction<BankDb>) => Promise<AccountRow | undefined>;
};
const debitOf = (accountId: string, amount: number): Posting => ({
  accountId,
  amount,
  apply: (trx) => repo.debit(trx, accountId, amount),
});
const creditOf = (accountId: string, amount: number): Posting => ({
  accountId,
  amount,
  apply: (trx) => repo.credit(trx, accountId, amount),
});

/**
 * The bank's use cases. Each money operation is one transaction: idempotency key row first (a
 * concurrent request with the same key waits for it), then the hold row, then account rows in one
 * fixed order, each changed by a guarded atomic UPDATE; the journal/hold rows and the outbox events
 * commit with them or not at all.
 */
export function createBankService(deps: BankServiceDeps) {
  const { db } = deps;
  const pinParams = deps.pinParams ?? DEFAULT_PIN_SCRYPT;
  const drawNumber = deps.newNumber ?? (() => newAccountNumber());

  async function mutate<T>(
    op: string,
    key: string,
    request: unknown,
    ctx: BankContext,
    fn: (trx: Transaction<BankDb>) => Promise<T>,
  ): Promise<T> {
    return db.transaction().execute(async (trx) => {
      // The caller is part of the compared arguments: one service can neither replay nor learn the
      // answer to another service's key.
      const { result } = await idempotent(
        trx,
        { scope: `bank:${op}`, key, request: { caller: ctx.caller, request } },
        () => fn(trx),
      );
      if (deps.beforeCommit) await deps.beforeCommit(op, trx, key);
      return result;
    });
  }

  /** Why a guarded UPDATE changed nothing. */
  async function explain(
    trx: Transaction<BankDb>,
    accountId: string,
    amount: number,
    need: "debit" | "credit" | "reserve",
  ) {
    const a = await repo.findAccount(trx, accountId);
    if (!a) return fail("ACCOUNT_NOT_FOUND", "There is no such account", { accountId });
    if (a.status === "CLOSED") return fail("ACCOUNT_NOT_ACTIVE", "The account is closed", { accountId });
    if (need === "reserve" && a.kind !== "CUSTOMER")
      return fail("ACCOUNT_KIND_NOT_ALLOWED", "Only customer accounts can hold funds", { accountId });
    return fail("INSUFFICIENT_FUNDS", "The available balance does not cover this amount", {
      accountId,
      available: available(a),
      requested: amount,
    });
  }

  async function applyPostings(trx: Transaction<BankDb>, postings: Posting[]) {
    const out = new Map<string, AccountRow>();
    for (const p of inLockOrder(postings)) {
      const row = await p.apply(trx);
      if (!row) throw await explain(trx, p.accountId, p.amount, "debit");
      out.set(p.accountId, row);
    }
    return out;
  }

  function refuseCash(accountId: string, what: string) {
    if (accountId === CASH_ACCOUNT_ID)
      throw fail("ACCOUNT_KIND_NOT_ALLOWED", `The cash account cannot ${what}`, { accountId });
  }

  return {
    async openAccount(
      req: Req<typeof bank.OpenAccount>,
      ctx: BankContext,
    ): Promise<Res<typeof bank.OpenAccount>> {
      const pinHash = await hashPin(req.pin, pinParams);
      // The PIN is not part of the compared arguments: it must never sit in a fast hash.
      return mutate(
        "open_account",
        req.key,
        { holderName: req.holderName, openingBalance: req.openingBalance },
        ctx,
        async (trx) => {
          let account: AccountRow | undefined;
          for (let attempt = 0; !account; attempt++) {
            if (attempt >= 20) throw new Error("could not draw a free account number");
            account = await repo.insertAccount(trx, {
              id: randomUUID(),
              number: drawNumber(),
              holderName: req.holderName,
              pinHash,
            });
          }
          if (req.openingBalance > 0) {
            await applyPostings(trx, [
              creditOf(account.id, req.openingBalance),
              debitOf(CASH_ACCOUNT_ID, req.openingBalance),
            ]);
            await repo.insertTransfer(trx, {
              id: randomUUID(),
              debit: CASH_ACCOUNT_ID,
              credit: account.id,
              amount: req.openingBalance,
              kind: "DEPOSIT",
              reference: "opening balance",
              key: req.key,
            });
          }
          return { accountId: account.id, number: account.number };
        },
      );
    },

    async deposit(req: Req<typeof bank.Deposit>, ctx: BankContext): Promise<Res<typeof bank.Deposit>> {
      refuseCash(req.accountId, "take deposits");
      const { key, ...args } = req;
      return mutate("deposit", key, args, ctx, async (trx) => {
        const rows = await applyPostings(trx, [
          creditOf(req.accountId, req.amount),
          debitOf(CASH_ACCOUNT_ID, req.amount),
        ]);
        const t = await repo.insertTransfer(trx, {
          id: randomUUID(),
          debit: CASH_ACCOUNT_ID,
          credit: req.accountId,
          amount: req.amount,
          kind: "DEPOSIT",
          reference: req.reference ?? null,
          key,
        });
        return { transferId: t.id, balance: toBalance(rows.get(req.accountId)!) };
      });
    },

    async withdraw(req: Req<typeof bank.Withdraw>, ctx: BankContext): Promise<Res<typeof bank.Withdraw>> {
      refuseCash(req.accountId, "be withdrawn from");
      const { key, ...args } = req;
      return mutate("withdraw", key, args, ctx, async (trx) => {
        const rows = await applyPostings(trx, [
          debitOf(req.accountId, req.amount),
          creditOf(CASH_ACCOUNT_ID, req.amount),
        ]);
        const t = await repo.insertTransfer(trx, {
          id: randomUUID(),
          debit: req.accountId,
          credit: CASH_ACCOUNT_ID,
          amount: req.amount,
          kind: "WITHDRAWAL",
          reference: req.reference ?? null,
          key,
        });
        return { transferId: t.id, balance: toBalance(rows.get(req.accountId)!) };
      });
    },

    async transfer(req: Req<typeof bank.Transfer>, ctx: BankContext): Promise<Res<typeof bank.Transfer>> {
      if (req.fromAccountId === req.toAccountId)
        throw fail("SAME_ACCOUNT", "A transfer needs two different accounts");
      refuseCash(req.fromAccountId, "take part in transfers (use deposit/withdraw)");
      refuseCash(req.toAccountId, "take part in transfers (use deposit/withdraw)");
      const { key, ...args } = req;
      return mutate("transfer", key, args, ctx, async (trx) => {
        await applyPostings(trx, [
          debitOf(req.fromAccountId, req.amount),
          creditOf(req.toAccountId, req.amount),
        ]);
        const t = await repo.insertTransfer(trx, {
          id: randomUUID(),
          debit: req.fromAccountId,
          credit: req.toAccountId,
          amount: req.amount,
          kind: req.kind,
          reference: req.reference,
          key,
        });
        return { transferId: t.id };
      });
    },

    async placeHold(req: Req<typeof bank.PlaceHold>, ctx: BankContext): Promise<Res<typeof bank.PlaceHold>> {
      const { key, ...args } = req;
      return mutate("hold", key, args, ctx, async (trx) => {
        // The account row is locked last (by the guarded UPDATE), so a hot account is held for the
        // shortest time: hold row and event first (an unknown account fails the hold's foreign key).
        const h = await repo
          .insertHold(trx, {
            id: randomUUID(),
            accountId: req.accountId,
            amount: req.amount,
            reference: req.reference,
          })
          .catch(notFoundOnForeignKey);
        await enqueue(
          trx,
          bank.HoldPlacedV1,
          { holdId: h.id, accountId: h.account_id, amount: h.amount, reference: h.reference },
          { correlationId: ctx.correlationId },
        );
        const acct = await repo.reserve(trx, req.accountId, req.amount);
        if (!acct) throw await explain(trx, req.accountId, req.amount, "reserve");
        return toHold(h);
      });
    },

    async releaseHold(
      req: Req<typeof bank.ReleaseHold>,
      ctx: BankContext,
    ): Promise<Res<typeof bank.ReleaseHold>> {
      const { key, ...args } = req;
      return mutate("release", key, args, ctx, async (trx) => {
        const h = await repo.endHold(trx, req.holdId, { status: "RELEASED" });
        if (!h) throw await holdGone(trx, req.holdId);
        await enqueue(
          trx,
          bank.HoldReleasedV1,
          { holdId: h.id, accountId: h.account_id, amount: h.amount, reference: h.reference },
          { correlationId: ctx.correlationId },
        );
        await repo.settleHold(trx, h.account_id, h.amount, 0);
        return toHold(h);
      });
    },

    async captureHold(
      req: Req<typeof bank.CaptureHold>,
      ctx: BankContext,
    ): Promise<Res<typeof bank.CaptureHold>> {
      refuseCash(req.payeeAccountId, "be paid a capture");
      const { key, ...args } = req;
      return mutate("capture", key, args, ctx, async (trx) => {
        const pending = await repo.lockPendingHold(trx, req.holdId);
        if (!pending) throw await holdGone(trx, req.holdId);
        if (req.amount > pending.amount)
          throw fail("CAPTURE_EXCEEDS_HOLD", "A capture cannot exceed its hold", {
            holdId: pending.id,
            holdAmount: pending.amount,
            requested: req.amount,
          });
        if (req.payeeAccountId === pending.account_id)
          throw fail("SAME_ACCOUNT", "The payee is the account that holds the funds");
        const { captured, released } = splitCapture(pending.amount, req.amount);
        const t = await repo
          .insertTransfer(trx, {
            id: randomUUID(),
            debit: pending.account_id,
            credit: req.payeeAccountId,
            amount: captured,
            kind: "CAPTURE",
            reference: pending.reference,
            key,
            holdId: pending.id,
          })
          .catch(notFoundOnForeignKey);
        const h = await repo.endHold(trx, pending.id, {
          status: "CAPTURED",
          capturedAmount: captured,
          payeeAccountId: req.payeeAccountId,
          transferId: t.id,
        });
        if (!h) throw await holdGone(trx, req.holdId); // unreachable: the row is locked
        await enqueue(
          trx,
          bank.HoldCapturedV1,
          {
            holdId: h.id,
            accountId: h.account_id,
            payeeAccountId: req.payeeAccountId,
            captured,
            released,
            transferId: t.id,
            reference: h.reference,
          },
          { correlationId: ctx.correlationId },
        );
        // Balances last: the payer's and the (hot) payee's rows are locked for the shortest time.
        await applyPostings(trx, [
          {
            accountId: pending.account_id,
            amount: captured,
            apply: (x) => repo.settleHold(x, pending.account_id, pending.amount, captured),
          },
          creditOf(req.payeeAccountId, captured),
        ]);
        return { ...toHold(h), transferId: t.id };
      });
    },

    async getBalance(req: Req<typeof bank.GetBalance>): Promise<Res<typeof bank.GetBalance>> {
      const a = await repo.findAccount(db, req.accountId);
      if (!a) throw fail("ACCOUNT_NOT_FOUND", "There is no such account", { accountId: req.accountId });
      return toBalance(a);
    },

    async verifyOwnership(req: Req<typeof bank.VerifyOwnership>): Promise<Res<typeof bank.VerifyOwnership>> {
      const a = await repo.findAccountByNumber(db, req.number);
      if (!a) throw fail("ACCOUNT_NOT_FOUND", "There is no account with this number");
      if (a.kind !== "CUSTOMER")
        throw fail("ACCOUNT_KIND_NOT_ALLOWED", "This account cannot be linked", { accountId: a.id });
      if (a.status === "LOCKED")
        throw fail("ACCOUNT_LOCKED", "The account is locked after too many wrong PINs", { attemptsLeft: 0 });
      if (a.status !== "ACTIVE") throw fail("ACCOUNT_NOT_ACTIVE", "The account is closed");
      // The slow hash runs without any lock; the counter is then changed by one atomic UPDATE that
      // only counts while the account is ACTIVE, so concurrent guesses cannot exceed the limit.
      if (await verifyPin(req.pin, a.pin_hash)) {
        if (!(await repo.resetPinAttempts(db, a.id)))
          throw fail("ACCOUNT_LOCKED", "The account is locked after too many wrong PINs", {
            attemptsLeft: 0,
          });
        return { accountId: a.id, holderName: a.holder_name };
      }
      const r = await repo.recordWrongPin(db, a.id, MAX_PIN_ATTEMPTS);
      if (!r || r.status === "LOCKED")
        throw fail("ACCOUNT_LOCKED", "The account is locked after too many wrong PINs", { attemptsLeft: 0 });
      const { attemptsLeft } = afterWrongPin(r.failed_pin_attempts - 1);
      throw fail("PIN_INCORRECT", "The PIN is incorrect", { attemptsLeft });
    },

    async statement(req: Req<typeof bank.Statement>): Promise<Res<typeof bank.Statement>> {
      return journalPage(req.accountId, req.limit, req.cursor);
    },

    async listHolds(req: Req<typeof bank.ListHolds>): Promise<Res<typeof bank.ListHolds>> {
      const rows = await repo.listHolds(db, req);
      return { items: rows.map(toHold) };
    },

    journalPage,
  };

  async function holdGone(trx: Transaction<BankDb>, holdId: string) {
    const h = await repo.findHold(trx, holdId);
    if (!h) return fail("HOLD_NOT_FOUND", "There is no such hold", { holdId });
    return fail("HOLD_ALREADY_ENDED", `The hold was already ${h.status.toLowerCase()}`, {
      holdId,
      status: h.status,
    });
  }

  async function journalPage(accountId: string, limit: number, cursor?: string) {
    const before = cursor === undefined ? undefined : decodeSeqCursor(cursor);
    if (before === null) throw fail("CURSOR_INVALID", "The cursor is invalid");
    const a = await repo.findAccount(db, accountId);
    if (!a) throw fail("ACCOUNT_NOT_FOUND", "There is no such account", { accountId });
    const rows = await repo.journal(db, accountId, limit, before);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        transferId: r.id,
        kind: r.kind,
        amount: r.amount,
        counterpartyNumber: r.counterparty_number,
        reference: r.reference,
        at: r.created_at.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeSeqCursor(last.seq) : null,
    };
  }
}
export type BankService = ReturnType<typeof createBankService>;
