import { AUCTION_STREAM } from "@arte/contracts";
import { createRuntime, onShutdown } from "@arte/platform";
import { buildApp } from "./app.js";
import { loadAuctionConfig } from "./config.js";
import { type AuctionDb, SCHEMA } from "./db/schema.js";
import { startJobs } from "./jobs.js";
import { createBankClient } from "./lib/bank.js";
import { createArtworkDirectory } from "./lib/catalog.js";

const config = loadAuctionConfig();
const runtime = await createRuntime<AuctionDb>({
  service: "auction",
  schema: SCHEMA,
  config,
  streams: [AUCTION_STREAM],
  dbPoolSize: config.DB_POOL_SIZE,
});
const { log, db, bus, metrics } = runtime;
const bank = createBankClient({
  bus,
  credentials: { service: "auction", secret: config.SERVICE_SECRET },
  timeoutMs: config.BANK_RPC_TIMEOUT_MS,
});

const app = await buildApp({
  db,
  bank,
  artworks: createArtworkDirectory({ bus }),
  log,
  verifier: runtime.verifier,
  instance: config.INSTANCE_ID,
  metrics,
  readiness: runtime.readiness,
  bidsPerLot: config.BIDS_PER_LOT,
});
await app.listen({ host: config.HOST, port: config.PORT });

// The USER stream belongs to the user service (`npm start` creates every stream first). Until it exists,
// wait rather than crash-loop; after a minute, exit and let the supervisor restart us.
let jobs: Awaited<ReturnType<typeof startJobs>> | undefined;
for (let attempt = 1; !jobs; attempt++) {
  try {
    jobs = await startJobs({
      db,
      bus,
      bank,
      log,
      metrics,
      databaseUrl: config.DATABASE_URL,
      schedulerTickMs: config.SCHEDULER_TICK_MS,
      reconcileEveryMs: config.RECONCILE_EVERY_MS,
      holdStaleMs: config.HOLD_STALE_MS,
    });
  } catch (err) {
    if (attempt >= 30 || !/not found/i.test(String((err as Error)?.message))) throw err;
    log.warn({ err: String(err), attempt }, "a stream is not there yet; retrying in 2 s");
    await new Promise((r) => setTimeout(r, 2000));
  }
}
const running = jobs;
log.info({ port: config.PORT }, "auction service started");

onShutdown(log, [
  // The scheduler stops first: no lot changes state while the rest winds down.
  { name: "scheduler", run: () => running.scheduler.stop() },
  { name: "http", run: () => app.close() },
  { name: "jobs", run: () => running.stop() },
  { name: "runtime", run: () => runtime.close() },
]);
