import { CATALOG_STREAM } from "@arte/contracts";
import { createOutboxRelay, createRuntime, onShutdown } from "@arte/platform";
import { buildApp } from "./app.js";
import { createBlobStore } from "./blob/index.js";
import { loadCatalogConfig } from "./config.js";
import { startConsumers } from "./consumers/auction-events.consumer.js";
import { type CatalogDb, SCHEMA } from "./db/schema.js";
import { serveArtworkStatus } from "./modules/artworks/artwork-status.rpc.js";

const config = loadCatalogConfig();
const runtime = await createRuntime<CatalogDb>({
  service: "catalog",
  schema: SCHEMA,
  config,
  streams: [CATALOG_STREAM],
});
const { log, db, bus, metrics } = runtime;
const blobs = createBlobStore(config);

const app = await buildApp({
  db,
  blobs,
  verifier: runtime.verifier,
  log,
  metrics,
  readiness: runtime.readiness,
  instance: config.INSTANCE_ID,
  blobGraceSeconds: config.BLOB_GC_GRACE_SECONDS,
});
await app.listen({ host: config.HOST, port: config.PORT });

const artworkStatus = serveArtworkStatus({ db, bus, log });

const relay = createOutboxRelay({ db, bus, log, metrics, listenUrl: config.DATABASE_URL, schema: SCHEMA });
await relay.start();

// The AUCTION stream belongs to the auction service (`npm start` creates every stream first): wait for it.
let consumers: Awaited<ReturnType<typeof startConsumers>> | undefined;
for (let attempt = 1; !consumers; attempt++) {
  try {
    consumers = await startConsumers({ db, bus, log, metrics });
  } catch (err) {
    if (attempt >= 30 || !/not found/i.test(String((err as Error)?.message))) throw err;
    log.warn({ err: String(err), attempt }, "AUCTION stream not there yet; retrying in 2 s");
    await new Promise((r) => setTimeout(r, 2000));
  }
}
const running = consumers;

// Blobs of uploads that never committed, and of deleted images whose immediate delete failed.
const staging = (app as unknown as { catalog: { staging: { sweep(): Promise<number> } } }).catalog.staging;
const sweeper = setInterval(() => {
  staging.sweep().then(
    (n) => n && log.info({ deleted: n }, "swept orphan blobs"),
    (err) => log.warn({ err }, "blob sweep failed"),
  );
}, 60_000);
sweeper.unref();

log.info({ port: config.PORT, blobs: blobs.kind }, "catalog service started");

onShutdown(log, [
  { name: "http", run: () => app.close() },
  { name: "artwork status rpc", run: async () => artworkStatus.unsubscribe() },
  { name: "sweeper", run: async () => clearInterval(sweeper) },
  { name: "consumers", run: () => running.stop() },
  { name: "outbox relay", run: () => relay.stop() },
  { name: "runtime", run: () => runtime.close() },
]);
