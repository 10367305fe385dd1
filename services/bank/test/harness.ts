import { randomBytes, randomUUID } from "node:crypto";
import { BANK_STREAM, bank as contracts, type RpcSpec } from "@arte/contracts";
import { callRpc } from "@arte/platform";
import { createTestBus, createTestDatabase, testLogger } from "@arte/testing";
import type { Transaction } from "kysely";
import { sql } from "kysely";
import type { z } from "zod";
import { migrations } from "../src/db/migrations/index.js";
import { type BankDb, SCHEMA } from "../src/db/schema.js";
import type { ScryptParams } from "../src/lib/pin.js";
import { createAdminService } from "../src/modules/admin/admin.service.js";
import { createBankService } from "../src/modules/ledger/ledger.service.js";
import { startBankRpc } from "../src/modules/rpc/bank.rpc.js";

/** Cheap PIN hashing for tests (the hash carries its parameters anyway). */
export const TEST_PIN_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
export const PIN = "2580";

export type Caller = "users" | "auction" | "payment";
export const key = (tag = "k") => `${tag}-${randomUUID()}`;

/** The real bank on its own database and NATS prefix, with signed clients for each known caller. */
export async function startBank(
  opts: {
    beforeCommit?: (op: string, trx: Transaction<BankDb>, key: string) => Promise<void>;
    newNumber?: () => string;
  } = {},
) {
  const [tdb, tb] = await Promise.all([
    createTestDatabase<BankDb>({ schema: SCHEMA, migrations }),
    createTestBus([BANK_STREAM]),
  ]);
  const secrets: Record<Caller, string> = {
    users: randomBytes(32).toString("hex"),
    auction: randomBytes(32).toString("hex"),
    payment: randomBytes(32).toString("hex"),
  };
  const log = testLogger("bank");
  const bank = createBankService({
    db: tdb.db,
    log,
    pinParams: TEST_PIN_SCRYPT,
    beforeCommit: opts.beforeCommit,
    newNumber: opts.newNumber,
  });
  const rpc = startBankRpc({ bus: tb.bus, log, bank, callers: secrets });
  const admin = createAdminService({ db: tdb.db, bank });

  /** A signed call as `caller` (its own secret). */
  function call<S extends RpcSpec>(
    caller: Caller,
    spec: S,
    req: z.input<S["request"]>,
    o: { timeoutMs?: number } = {},
  ): Promise<z.infer<S["response"]>> {
    return callRpc(tb.bus, spec, req, {
      credentials: { service: caller, secret: secrets[caller] },
      timeoutMs: o.timeoutMs ?? 5000,
    });
  }

  const h = {
    db: tdb.db,
    bus: tb.bus,
    bank,
    admin,
    secrets,
    call,
    /** Everything money-related, to prove that a refused request changed nothing. */
    async snapshot() {
      const [accounts, transfers, holds, outbox, keys] = await Promise.all([
        tdb.db
          .selectFrom("account")
          .select(["id", "posted", "held", "status", "failed_pin_attempts", "updated_at"])
          .orderBy("id")
          .execute(),
        sql<{ n: number }>`select count(*)::int as n from transfer`.execute(tdb.db),
        tdb.db.selectFrom("hold").select(["id", "status", "ended_at"]).orderBy("id").execute(),
        sql<{ n: number }>`select count(*)::int as n from outbox`.execute(tdb.db),
        sql<{ n: number }>`select count(*)::int as n from idempotency_key`.execute(tdb.db),
      ]);
      return {
        accounts,
        transfers: transfers.rows[0]?.n,
        holds,
        outbox: outbox.rows[0]?.n,
        keys: keys.rows[0]?.n,
      };
    },
    /** Opens a funded customer account through the real RPC. */
    async openAccount(openingBalance = 0, holderName = "Kim Minji") {
      return call("users", contracts.OpenAccount, {
        holderName,
        pin: PIN,
        openingBalance,
        key: key("open"),
      });
    },
    async close() {
      await rpc.stop();
      await tb.destroy();
      await tdb.drop();
    },
  };
  return h;
}
export type Bank = Awaited<ReturnType<typeof startBank>>;

/** Runs `p` and returns the AppError code it failed with (or throws if it succeeded). */
export async function codeOf(
  p: Promise<unknown>,
): Promise<{ code: string; status: number; details: unknown }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; status?: number; details?: unknown };
    return { code: String(err.code), status: Number(err.status), details: err.details };
  }
  throw new Error("expected a failure, got a success");
}
