import { users } from "@arte/contracts";
import { AppError, enqueue, failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import type { z } from "zod";
import type { UsersDb } from "../../db/schema.js";
import { usersRepository } from "../accounts/users.repository.js";
import { type BankClient, pinIncorrect } from "./bank.client.js";
import { bankKey, toMyBankAccount } from "./bank-account.domain.js";

import { type BankLinkRow, bankLinkRepository as links, type NewBankLink } from "./bank-link.repository.js";

const { BankAccountLinkedV1, BankAccountUnlinkedV1 } = users;

const fail = failWith(users.UserErrors);

export type DemoBankSettings = { enabled: boolean; openingBalance: number };

const TOP_UP_REFERENCE = "demo top-up";

/**
 * My bank account. The bank keeps the money and the PINs; we keep which account is whose (`bank_link`,
 * unique on both sides). Every bank call happens before or after our transaction, never inside one,
 * and nothing is retried: a business error is final, an outage is a 503 the client may retry (the
 * money commands carry idempotency keys, so a retry cannot pay twice).
 */
export function createBankAccountService(deps: {
  db: Kysely<UsersDb>;
  bank: BankClient;
  demo: DemoBankSettings;
}) {
  const { db, bank, demo } = deps;

  async function requireLink(userId: string): Promise<BankLinkRow> {
    const link = await links.findByUser(db, userId);
    if (!link) throw fail("NO_LINKED_ACCOUNT", "You have no linked bank account");
    return link;
  }

  /**
   * The link row and BankAccountLinkedV1 in one transaction. The unique indexes decide a conflict (two
   * concurrent links cannot both win); a concurrent replay of the same demo key finds its twin's row.
   */
  async function insertLink(l: NewBankLink, correlationId: string): Promise<BankLinkRow> {
    return db.transaction().execute(async (trx) => {
      const row = await links.insert(trx, l);
      if (row) {
        await enqueue(
          trx,
          BankAccountLinkedV1,
          {
            userId: l.userId,
            accountId: l.accountId,
            accountNumber: l.accountNumber,
            demo: l.openKey !== null,
          },
          { correlationId },
        );
        return row;
      }
      const mine = await links.findByUser(trx, l.userId);
      if (mine && l.openKey !== null && mine.open_key === l.openKey && mine.account_id === l.accountId)
        return mine;
      if (mine) throw fail("BANK_ACCOUNT_ALREADY_LINKED", "You already have a linked bank account");
      throw fail("ACCOUNT_LINKED_TO_ANOTHER_USER", "This bank account is linked to another user");
    });
  }

  function requireDemo() {
    if (!demo.enabled) throw fail("DEMO_DISABLED", "Demo bank accounts are not available here");
  }

  return {
    async get(userId: string, correlationId: string) {
      const link = await requireLink(userId);
      const balance = await bank.getBalance(link.account_id, { correlationId });
      return toMyBankAccount(balance, link.linked_at);
    },

    /**
     * Links an account the user proves with its PIN (the bank counts wrong PINs and locks after 5). A
     * user who already has a link is refused before any PIN is tried.
     */
    async link(userId: string, body: z.output<typeof users.LinkBankAccountBody>, correlationId: string) {
      if (await links.findByUser(db, userId))
        throw fail("BANK_ACCOUNT_ALREADY_LINKED", "You already have a linked bank account");
      // An unknown number gets the wrong-PIN answer: the link form is no way to learn which accounts exist.
      const owner = await bank
        .verifyOwnership({ number: body.accountNumber, pin: body.pin }, { correlationId })
        .catch((err: unknown) => {
          throw err instanceof AppError && err.code === "NOT_FOUND" ? pinIncorrect() : err;
        });
      const balance = await bank.getBalance(owner.accountId, { correlationId });
      const row = await insertLink(
        {
          userId,
          accountId: owner.accountId,
          accountNumber: balance.number,
          holderName: owner.holderName,
          openKey: null,
        },
        correlationId,
      );
      return toMyBankAccount(balance, row.linked_at);
    },

    /** Unlinks, unless the bank still holds money of this account for a bid (HOLDS_OPEN). */
    async unlink(userId: string, correlationId: string) {
      const link = await requireLink(userId);
      const balance = await bank.getBalance(link.account_id, { correlationId });
      if (balance.held > 0)
        throw fail("HOLDS_OPEN", "Money is held for your bids; unlink once they are settled", {
          held: balance.held,
        });
      await db.transaction().execute(async (trx) => {
        const gone = await links.delete(trx, userId, link.account_id);
        if (!gone) throw fail("NO_LINKED_ACCOUNT", "You have no linked bank account");
        await enqueue(trx, BankAccountUnlinkedV1, { userId, accountId: link.account_id }, { correlationId });
      });
    },

    async statement(userId: string, query: z.output<typeof users.StatementQuery>, correlationId: string) {
      const link = await requireLink(userId);
      return bank.statement(
        { accountId: link.account_id, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
        { correlationId },
      );
    },

    /**
     * Demo only: opens a funded account in the user's name and links it. The bank call carries a key
     * derived from the user and the client's Idempotency-Key, so a replay opens nothing new and answers
     * the same account (the bank refuses the same key with another PIN).
     */
    async openDemo(userId: string, pin: string, clientKey: string, correlationId: string) {
      requireDemo();
      const key = bankKey("demo-open", userId, clientKey);
      const existing = await links.findByUser(db, userId);
      if (existing && existing.open_key !== key)
        throw fail("BANK_ACCOUNT_ALREADY_LINKED", "You already have a linked bank account");
      // A replay uses the name the account was opened with, so a renamed user replays the same request.
      let holderName = existing?.holder_name;
      if (holderName === undefined) {
        const user = await usersRepository.findById(db, userId);
        if (!user) throw fail("USER_NOT_FOUND", "This account no longer exists");
        holderName = user.username;
      }
      const opened = await bank.openAccount(
        { holderName, pin, openingBalance: demo.openingBalance, key },
        { correlationId },
      );
      const balance = await bank.getBalance(opened.accountId, { correlationId });
      if (existing && existing.account_id === opened.accountId)
        return toMyBankAccount(balance, existing.linked_at);
      const row = await insertLink(
        { userId, accountId: opened.accountId, accountNumber: opened.number, holderName, openKey: key },
        correlationId,
      );
      return toMyBankAccount(balance, row.linked_at);
    },

    /** Demo only: deposits into the linked account, once per Idempotency-Key. */
    async topUp(userId: string, amount: number, clientKey: string, correlationId: string) {
      requireDemo();
      const link = await requireLink(userId);
      const r = await bank.deposit(
        {
          accountId: link.account_id,
          amount,
          reference: TOP_UP_REFERENCE,
          key: bankKey("top-up", userId, clientKey),
        },
        { correlationId },
      );
      return toMyBankAccount(r.balance, link.linked_at);
    },
  };
}
export type BankAccountService = ReturnType<typeof createBankAccountService>;
