import { auction } from "@arte/contracts";
import { type Bus, createOutboxRelay, type Logger, type Metrics, serveRpc } from "@arte/platform";
import type { Kysely } from "kysely";
import { type ConsumerDeps, startConsumers } from "./consumers/consumers.js";
import { type AuctionDb, SCHEMA } from "./db/schema.js";
import type { BankClient } from "./lib/bank.js";
import { createReconciler } from "./modules/holds/holds.service.js";
import { createLotsService } from "./modules/lots/lots.service.js";
import { createScheduler } from "./modules/scheduler/scheduler.js";

export type JobsDeps = {
  db: Kysely<AuctionDb>;
  bus: Bus;
  bank: BankClient;
  log: Logger;
  metrics?: Metrics;
  /** The database URL for the outbox relay's LISTEN connection. */
  databaseUrl: string;
  schedulerTickMs?: number;
  schedulerFailureBackoffMs?: number;
  reconcileEveryMs?: number;
  holdStaleMs?: number;
  /** Which parts to run (all by default): tests switch some off. */
  run?: { relay?: boolean; consumers?: boolean; scheduler?: boolean; reconciler?: boolean; rpc?: boolean };
  consumer?: Pick<ConsumerDeps, "backoffMs" | "maxDeliver" | "pullExpiresMs">;
};

/**
 * Everything of the service besides HTTP: the outbox relay, the consumers (bidder read model, hold
 * releases), the scheduler, the hold reconciler and the `auction.lot_changes` RPC. `stop()` stops the
 * scheduler first (no new transitions), then the rest, the relay last (what they wrote goes out).
 */
export async function startJobs(deps: JobsDeps) {
  const run = { relay: true, consumers: true, scheduler: true, reconciler: true, rpc: true, ...deps.run };
  const { db, bus, log } = deps;
  const scheduler = createScheduler({
    db,
    log: log.child({ job: "scheduler" }),
    tickMs: deps.schedulerTickMs,
    failureBackoffMs: deps.schedulerFailureBackoffMs,
  });
  const reconciler = createReconciler({
    db,
    bank: deps.bank,
    log: log.child({ job: "reconciler" }),
    everyMs: deps.reconcileEveryMs,
    requestedStaleMs: deps.holdStaleMs,
  });
  const relay = createOutboxRelay({
    db,
    bus,
    log,
    metrics: deps.metrics,
    listenUrl: deps.databaseUrl,
    schema: SCHEMA,
    pollMs: 500,
  });
  if (run.relay) await relay.start();
  const consumers = run.consumers
    ? await startConsumers({ db, bus, bank: deps.bank, log, metrics: deps.metrics, ...deps.consumer })
    : null;
  const lots = createLotsService({ db });
  const rpc = run.rpc
    ? serveRpc(bus, auction.LotChangesRpc, { queue: "auction", log }, (req) =>
        lots.changes(req.lotId, req.sinceVersion, req.limit),
      )
    : null;
  if (run.scheduler) scheduler.start();
  if (run.reconciler) reconciler.start();
  return {
    scheduler,
    reconciler,
    relay,
    async stop() {
      await scheduler.stop();
      await reconciler.stop();
      rpc?.unsubscribe();
      await consumers?.stop();
      await relay.stop();
    },
  };
}
export type Jobs = Awaited<ReturnType<typeof startJobs>>;
