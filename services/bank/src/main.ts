import { BANK_STREAM } from "@arte/contracts";
import { createOutboxRelay, createRuntime, onShutdown } from "@arte/platform";
import { buildApp } from "./app.js";
import { loadBankConfig } from "./config.js";
import { type BankDb, SCHEMA } from "./db/schema.js";
import { createBankService } from "./modules/ledger/ledger.service.js";
import { startBankRpc } from "./modules/rpc/bank.rpc.js";

const config = loadBankConfig();
const runtime = await createRuntime<BankDb>({
  service: "bank",
  schema: SCHEMA,
  config,
  streams: [BANK_STREAM],
  dbPoolSize: config.DB_POOL_SIZE,
});
const { log, db, bus, metrics } = runtime;
if (Object.keys(config.RPC_CALLERS).length === 0)
  log.warn("RPC_CALLERS is empty: every bank RPC will be refused (UNAUTHENTICATED)");

const bank = createBankService({ db, log });
const app = await buildApp({
  db,
  bank,
  verifier: runtime.verifier,
  log,
  metrics,
  readiness: runtime.readiness,
  instance: config.INSTANCE_ID,
});
await app.listen({ host: config.HOST, port: config.PORT });

const relay = createOutboxRelay({ db, bus, log, metrics, listenUrl: config.DATABASE_URL, schema: SCHEMA });
await relay.start();
const rpc = startBankRpc({ bus, log, bank, callers: config.RPC_CALLERS });
log.info({ port: config.PORT, callers: Object.keys(config.RPC_CALLERS) }, "bank service started");

onShutdown(log, [
  { name: "rpc", run: () => rpc.stop() },
  { name: "http", run: () => app.close() },
  { name: "outbox relay", run: () => relay.stop() },
  { name: "runtime", run: () => runtime.close() },
]);
