import { PAYMENT_STREAM } from "@arte/contracts";
import { createRuntime, onShutdown } from "@arte/platform";
import { buildApp } from "./app.js";
import { loadPaymentConfig } from "./config.js";
import { type PaymentDb, SCHEMA } from "./db/schema.js";
import { startPayment } from "./jobs.js";
import { createBankClient } from "./lib/bank.js";

const config = loadPaymentConfig();
const runtime = await createRuntime<PaymentDb>({
  service: "payment",
  schema: SCHEMA,
  config,
  streams: [PAYMENT_STREAM],
  dbPoolSize: config.DB_POOL_SIZE,
});
const { log, db, bus, metrics } = runtime;
if (!config.SERVICE_SECRET) log.warn("SERVICE_SECRET is not set: the bank will refuse every payment request");
const bank = createBankClient({
  bus,
  credentials: config.SERVICE_SECRET ? { service: "payment", secret: config.SERVICE_SECRET } : undefined,
  timeoutMs: config.BANK_TIMEOUT_MS,
});
const tuning = {
  leaseMs: config.LEASE_MS,
  maxAttempts: config.CAPTURE_MAX_ATTEMPTS,
  retryBaseMs: config.RETRY_BASE_MS,
};

// The streams we consume belong to their producers (`npm start` creates every stream first). Until
// they exist, wait rather than crash-loop; after a minute, exit and let the supervisor restart us.
let jobs: Awaited<ReturnType<typeof startPayment>> | undefined;
for (let attempt = 1; !jobs; attempt++) {
  try {
    jobs = await startPayment({
      db,
      bus,
      bank,
      log,
      metrics,
      databaseUrl: config.DATABASE_URL,
      instance: config.INSTANCE_ID,
      tickMs: config.JOB_TICK_MS,
      ...tuning,
    });
  } catch (err) {
    if (attempt >= 30 || !/not found/i.test(String((err as Error)?.message))) throw err;
    log.warn({ err: String(err), attempt }, "a stream is not there yet; retrying in 2 s");
    await new Promise((r) => setTimeout(r, 2000));
  }
}
const running = jobs;

const app = await buildApp({
  db,
  bank,
  verifier: runtime.verifier,
  log,
  metrics,
  readiness: runtime.readiness,
  instance: config.INSTANCE_ID,
  ...tuning,
  onLotSettled: () => running.kickSweeper(),
});
await app.listen({ host: config.HOST, port: config.PORT });
log.info({ port: config.PORT }, "payment service started");

onShutdown(log, [
  { name: "http", run: () => app.close() },
  { name: "jobs", run: () => running.stop() },
  { name: "runtime", run: () => runtime.close() },
]);
