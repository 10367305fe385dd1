import { users } from "@arte/contracts";
import { AppError, enqueue } from "@arte/platform";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { UsersDb } from "../../db/schema.js";
import { createPasswords } from "../../lib/passwords.js";
import { usersRepository } from "../accounts/users.repository.js";
import type { BankClient } from "../bank-account/bank.client.js";
import { createBankAccountService } from "../bank-account/bank-account.service.js";
import { bankLinkRepository as links } from "../bank-account/bank-link.repository.js";

/**
 * Demo data for `npm start` (never used by the services themselves): bidders who can sign in at once,
 * each with a funded bank account linked to them.
 */

export type DemoUserInput = { email: string; password: string; username: string; locale?: "ko" | "en" };

/**
 * Creates each demo user (USER, email verified) that does not exist yet, with UserRegisteredV1 in the
 * same transaction (the outbox: the notification service learns the recipient and welcomes them, the
 * others learn the user). An existing email is left as it is (its password too): idempotent across
 * restarts, and safe to run from several launchers at once (an advisory lock per email). An email that
 * belongs to an ADMIN is refused rather than returned as a bidder.
 */
export async function ensureDemoUsers(
  db: Kysely<UsersDb>,
  input: { users: DemoUserInput[]; correlationId?: string },
): Promise<{ users: { userId: string; email: string; created: boolean }[] }> {
  const passwords = createPasswords();
  const out: { userId: string; email: string; created: boolean }[] = [];
  for (const u of input.users) {
    const email = users.Email.parse(u.email);
    const username = users.Text(50).parse(u.username);
    const existing = await usersRepository.findByEmail(db, email);
    if (existing) {
      if (existing.role !== "USER") throw new Error(`demo user ${email} exists with role ${existing.role}`);
      out.push({ userId: existing.id, email, created: false });
      continue;
    }
    const passwordHash = await passwords.hash(users.Password.parse(u.password));
    const r = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`users:demo-user:${email}`}))`.execute(trx);
      const row = await usersRepository.insert(trx, {
        email,
        passwordHash,
        username,
        birth: "1990-01-01",
        gender: "X",
        phone: "010-0000-0000",
        postcode: "03154",
        address: "서울특별시 종로구 세종대로 175",
        addressDetail: null,
        locale: u.locale ?? "ko",
        role: "USER",
        emailVerified: true,
      });
      if (!row) {
        const twin = await usersRepository.findByEmail(trx, email);
        if (twin?.role !== "USER") throw new Error(`demo user ${email} exists with another role`);
        return { userId: twin.id, email, created: false };
      }
      await enqueue(
        trx,
        users.UserRegisteredV1,
        { userId: row.id, email: row.email, username: row.username, locale: row.locale },
        { correlationId: input.correlationId ?? "demo-seed" },
      );
      return { userId: row.id, email, created: true };
    });
    out.push(r);
  }
  return { users: out };
}

/** The client key of the demo accounts: with the user id, it makes the bank's idempotency key. */
const DEMO_OPEN_KEY = "npm-start-demo-account";

/**
 * Gives each user a funded demo bank account linked to them, through the bank-account service (so the
 * link row and BankAccountLinkedV1 commit together, and the auction service learns the account). The
 * bank call carries a key derived from the user, so a replay (a crash between the bank and our commit,
 * a restart) opens nothing new. A user who already has a linked account keeps it untouched.
 */
export async function ensureDemoBankAccounts(
  deps: { db: Kysely<UsersDb>; bank: BankClient },
  input: { userIds: string[]; pin: string; openingBalance: number; correlationId?: string },
): Promise<{ accounts: { userId: string; accountNumber: string; available: number; opened: boolean }[] }> {
  const service = createBankAccountService({
    db: deps.db,
    bank: deps.bank,
    demo: { enabled: true, openingBalance: input.openingBalance },
  });
  const correlationId = input.correlationId ?? "demo-seed";
  const accounts: { userId: string; accountNumber: string; available: number; opened: boolean }[] = [];
  for (const userId of input.userIds) {
    const link = await links.findByUser(deps.db, userId);
    if (link) {
      const b = await service.get(userId, correlationId);
      accounts.push({ userId, accountNumber: b.number, available: b.available, opened: false });
      continue;
    }
    try {
      const b = await service.openDemo(userId, input.pin, DEMO_OPEN_KEY, correlationId);
      accounts.push({ userId, accountNumber: b.number, available: b.available, opened: true });
    } catch (err) {
      // Another launcher linked it meanwhile: the link is there, which is all we wanted.
      if (!(err instanceof AppError && err.code === "BANK_ACCOUNT_ALREADY_LINKED")) throw err;
      const b = await service.get(userId, correlationId);
      accounts.push({ userId, accountNumber: b.number, available: b.available, opened: false });
    }
  }
  return { accounts };
}
