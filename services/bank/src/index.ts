/** What other code (tests, `npm start`, other services' in-process tests) may use of the bank. */
import type { Bus, Logger } from "@arte/platform";
import type { Kysely } from "kysely";
import type { BankDb } from "./db/schema.js";
import type { ScryptParams } from "./lib/pin.js";
import { createBankService } from "./modules/ledger/ledger.service.js";
import { type BankRpcServer, startBankRpc as serveBankRpc } from "./modules/rpc/bank.rpc.js";

export { type AppDeps, buildApp } from "./app.js";
export { BankEnv, loadBankConfig } from "./config.js";
export { migrations } from "./db/migrations/index.js";
export { type BankDb, SCHEMA } from "./db/schema.js";
export { DEFAULT_PIN_SCRYPT, hashPin, type ScryptParams, verifyPin } from "./lib/pin.js";
export { createAdminService } from "./modules/admin/admin.service.js";
export { MAX_PIN_ATTEMPTS } from "./modules/ledger/ledger.domain.js";
export {
  type BankContext,
  type BankService,
  type BankServiceDeps,
  createBankService,
} from "./modules/ledger/ledger.service.js";
export type { BankRpcDeps, BankRpcServer } from "./modules/rpc/bank.rpc.js";
export { BANK_RPC_ALLOW } from "./modules/rpc/callers.js";

/**
 * Starts every bank RPC handler in process (the real bank, for other services' integration tests):
 * `const bank = startBankRpc({ db, bus, log, callers: { auction: secret } }); … await bank.stop()`.
 * `db` must hold the migrated `bank` schema (`createTestDatabase({ schema: SCHEMA, migrations })`).
 * Hold events go to the bank's outbox; run `createOutboxRelay({ schema: SCHEMA, … })` to publish them.
 */
export function startBankRpc(deps: {
  db: Kysely<BankDb>;
  bus: Bus;
  log: Logger;
  callers: Record<string, string>;
  allow?: Record<string, readonly string[]>;
  /** PIN hashing cost (tests may lower it). */
  pinParams?: ScryptParams;
}): BankRpcServer {
  const bank = createBankService({ db: deps.db, log: deps.log, pinParams: deps.pinParams });
  return serveBankRpc({ ...deps, bank });
}
