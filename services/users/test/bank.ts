import { randomBytes, randomUUID } from "node:crypto";
import { SCHEMA as BANK_SCHEMA, type BankDb, migrations as bankMigrations, startBankRpc } from "@arte/bank";
import { BANK_STREAM, bank, USER_STREAM } from "@arte/contracts";
import { callRpc, type RpcCredentials } from "@arte/platform";
import { createTestBus, createTestDatabase, testLogger } from "@arte/testing";
import type { z } from "zod";
import { createBankClient } from "../src/modules/bank-account/bank.client.js";

/**
 * The real bank, in-process, on a test bus and its own test database (schema "bank"). It knows two
 * callers: `users` (this service) and `auction` (tests place holds with it, as the auction would).
 */
export async function startTestBank() {
  const tb = await createTestBus([USER_STREAM, BANK_STREAM]);
  const tdb = await createTestDatabase<BankDb>({ schema: BANK_SCHEMA, migrations: bankMigrations });
  const users: RpcCredentials = { service: "users", secret: randomBytes(32).toString("base64url") };
  const auction: RpcCredentials = { service: "auction", secret: randomBytes(32).toString("base64url") };
  const server = startBankRpc({
    db: tdb.db,
    bus: tb.bus,
    log: testLogger("bank"),
    callers: { users: users.secret, auction: auction.secret },
    pinParams: { N: 2 ** 10, r: 8, p: 1 }, // fast PIN hashing for tests; production cost is the bank's default
  });
  const as =
    (creds: RpcCredentials) =>
    async <S extends (typeof bank.bankRpcs)[number]>(spec: S, req: z.input<S["request"]>) =>
      callRpc(tb.bus, spec, req, { credentials: creds, timeoutMs: 5000 });
  const asUsers = as(users);
  const asAuction = as(auction);

  const t = {
    bus: tb.bus,
    db: tdb.db,
    credentials: { users, auction },
    /** This service's client of this bank (signing as `users`). */
    client: (timeoutMs = 5000) =>
      createBankClient({ bus: tb.bus, credentials: users, log: testLogger("users"), timeoutMs }),
    asUsers,
    asAuction,

    /** A customer account as a real person would have it: opened at the bank, funded, PIN known. */
    async openAccount(opts: { pin?: string; balance?: number; holderName?: string } = {}) {
      const pin = opts.pin ?? "1234";
      const a = await asUsers(bank.OpenAccount, {
        holderName: opts.holderName ?? "Kim Minji",
        pin,
        openingBalance: opts.balance ?? 50_000,
        key: `test-open-${randomUUID()}`,
      });
      return { ...a, pin };
    },
    balance: (accountId: string) => asUsers(bank.GetBalance, { accountId }),
    hold: (accountId: string, amount: number) =>
      asAuction(bank.PlaceHold, { accountId, amount, reference: "lot:42", key: `test-hold-${randomUUID()}` }),
    release: (holdId: string) => asAuction(bank.ReleaseHold, { holdId, key: `test-release-${randomUUID()}` }),

    async close() {
      await server.stop();
      await tb.destroy();
      await tdb.drop();
    },
  };
  return t;
}
export type TestBank = Awaited<ReturnType<typeof startTestBank>>;
