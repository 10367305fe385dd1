import { createRuntime, onShutdown } from "@arte/platform";
import { buildApp } from "./app.js";
import { loadHistoryConfig } from "./config.js";
import { startConsumers } from "./consumers/events.consumer.js";
import type { HistoryDb } from "./db/schema.js";
import { SCHEMA } from "./db/schema.js";

const config = loadHistoryConfig();
const runtime = await createRuntime<HistoryDb>({
  service: "history",
  schema: SCHEMA,
  config,
  streams: [],
});
const { log, db, bus, metrics } = runtime;

const app = await buildApp({
  db,
  verifier: runtime.verifier,
  log,
  metrics,
  readiness: runtime.readiness,
  instance: config.INSTANCE_ID,
});
await app.listen({ host: config.HOST, port: config.PORT });

// The AUCTION and CATALOG streams belong to their producers (`npm start` creates every stream first).
// Until they exist, wait rather than crash-loop; after a minute, exit and let the supervisor restart us.
let consumers: Awaited<ReturnType<typeof startConsumers>> | undefined;
for (let attempt = 1; !consumers; attempt++) {
  try {
    consumers = await startConsumers({ db, bus, log, metrics });
  } catch (err) {
    if (attempt >= 30 || !/not found/i.test(String((err as Error)?.message))) throw err;
    log.warn({ err: String(err), attempt }, "AUCTION or CATALOG stream not there yet; retrying in 2 s");
    await new Promise((r) => setTimeout(r, 2000));
  }
}
const running = consumers;
log.info({ port: config.PORT }, "history service started");

onShutdown(log, [
  { name: "consumers", run: () => running.stop() },
  { name: "http", run: () => app.close() },
  { name: "runtime", run: () => runtime.close() },
]);
