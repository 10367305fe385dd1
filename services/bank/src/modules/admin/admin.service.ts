import { bank } from "@arte/contracts";
import { failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import type { z } from "zod";
import type { BankDb } from "../../db/schema.js";
import { decodeNumberCursor, encodeNumberCursor, ledgerOk } from "../ledger/ledger.domain.js";
import { ledgerRepository as repo } from "../ledger/ledger.repository.js";
import { type BankService, toBalance } from "../ledger/ledger.service.js";

const fail = failWith(bank.BankErrors);

/** The admin's read-only view: accounts with balances, an account's journal, the ledger check. */
export function createAdminService(deps: { db: Kysely<BankDb>; bank: BankService }) {
  return {
    async listAccounts(q: z.infer<typeof bank.AdminAccountListQuery>) {
      const after = q.cursor === undefined ? undefined : decodeNumberCursor(q.cursor);
      if (after === null) throw fail("CURSOR_INVALID", "The cursor is invalid");
      const rows = await repo.listAccounts(deps.db, {
        q: q.q || undefined,
        kind: q.kind,
        status: q.status,
        limit: q.limit,
        afterNumber: after,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toBalance),
        nextCursor: rows.length > q.limit && last ? encodeNumberCursor(last.number) : null,
      };
    },

    journal(accountId: string, q: z.infer<typeof bank.JournalQuery>) {
      return deps.bank.journalPage(accountId, q.limit, q.cursor);
    },

    /** Every figure from one snapshot, so a transfer committing meanwhile cannot make it lie. */
    async ledgerCheck(): Promise<z.input<typeof bank.LedgerCheck>> {
      const facts = await deps.db
        .transaction()
        .setIsolationLevel("repeatable read")
        .setAccessMode("read only")
        .execute((trx) => repo.ledgerFacts(trx));
      const result = {
        sumOfAllBalances: facts.totals.sum_all,
        netDeposits: facts.totals.net_deposits,
        customerAndHouseBalances: facts.totals.sum_customer_house,
        mismatchedAccounts: facts.mismatched.map((m) => ({
          accountId: m.account_id,
          stored: m.stored,
          journal: m.journal,
        })),
        negativeAvailable: facts.negative,
        mismatchedHolds: facts.holds.map((m) => ({
          accountId: m.account_id,
          stored: m.stored,
          pending: m.pending,
        })),
        checkedAt: new Date().toISOString(),
      };
      return { ok: ledgerOk(result), ...result };
    },
  };
}
export type AdminService = ReturnType<typeof createAdminService>;
