import { type Bus, createOutboxRelay, type Logger, type Metrics } from "@arte/platform";
import type { Kysely } from "kysely";
import { type ConsumerOptions, startConsumers } from "./consumers/consumers.js";
import { type PaymentDb, SCHEMA } from "./db/schema.js";
import type { BankClient } from "./lib/bank.js";
import { createLoop } from "./lib/loop.js";
import { createHoldSweeper } from "./modules/holds/holds.service.js";
import { createRefunds } from "./modules/refunds/refunds.service.js";
import { createSettlement, type SettlementHooks } from "./modules/settlement/settlement.service.js";

export type PaymentJobsDeps = {
  db: Kysely<PaymentDb>;
  bus: Bus;
  bank: BankClient;
  log: Logger;
  metrics?: Metrics;
  /** The database URL for the outbox relay's LISTEN connection. */
  databaseUrl: string;
  instance: string;
  leaseMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  tickMs?: number;
  hooks?: SettlementHooks;
  /** Which parts run (all by default): tests switch some off. */
  run?: { relay?: boolean; consumers?: boolean; settlement?: boolean; sweeper?: boolean; refunds?: boolean };
  consumer?: Pick<ConsumerOptions, "backoffMs" | "maxDeliver" | "pullExpiresMs">;
};

/**
 * Everything of the service besides HTTP: the outbox relay; the consumers (sold → invoice; unsold,
 * cancelled → lot outcome; bids and bank holds → read models); the settlement resume job (due ISSUED
 * invoices nobody holds, FOR UPDATE SKIP LOCKED); the hold sweeper (releases a settled lot's other
 * holds); the refund job (PENDING refunds whose transfer has not been confirmed). The consumers kick
 * the jobs so that a sale settles at once; the periodic rounds make sure nothing depends on a kick.
 */
export async function startPayment(deps: PaymentJobsDeps) {
  const run = { relay: true, consumers: true, settlement: true, sweeper: true, refunds: true, ...deps.run };
  const { db, bus, log } = deps;
  const leaseMs = deps.leaseMs ?? 30_000;
  const retryBaseMs = deps.retryBaseMs ?? 2000;
  const tickMs = deps.tickMs ?? 1000;

  const sweeper = createHoldSweeper({
    db,
    bank: deps.bank,
    log: log.child({ job: "holds" }),
    leaseMs,
    retryBaseMs,
  });
  const sweepLoop = createLoop({
    name: "holds",
    everyMs: tickMs,
    log,
    batch: 50,
    round: () => sweeper.sweep(),
  });
  const settlement = createSettlement({
    db,
    bank: deps.bank,
    log: log.child({ job: "settlement" }),
    instance: `${deps.instance}:jobs`,
    leaseMs,
    maxAttempts: deps.maxAttempts ?? 8,
    retryBaseMs,
    hooks: deps.hooks,
    onPaid: () => (run.sweeper ? sweepLoop.kick() : undefined),
  });
  const settleLoop = createLoop({
    name: "settlement",
    everyMs: tickMs,
    log,
    batch: 10,
    round: () => settlement.resumeDue(10),
  });
  const refunds = createRefunds({
    db,
    bank: deps.bank,
    log: log.child({ job: "refunds" }),
    leaseMs,
    retryBaseMs,
  });
  const refundLoop = createLoop({
    name: "refunds",
    everyMs: tickMs,
    log,
    batch: 10,
    round: () => refunds.resumeDue(10),
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
  let consumers: Awaited<ReturnType<typeof startConsumers>> | null = null;
  try {
    if (run.consumers)
      consumers = await startConsumers({
        db,
        bus,
        log,
        metrics: deps.metrics,
        ...deps.consumer,
        onInvoiceIssued: () => (run.settlement ? settleLoop.kick() : undefined),
        onLotSettled: () => (run.sweeper ? sweepLoop.kick() : undefined),
      });
  } catch (err) {
    await relay.stop(); // a retried boot must not leave a relay behind
    throw err;
  }
  if (run.settlement) settleLoop.start();
  if (run.sweeper) sweepLoop.start();
  if (run.refunds) refundLoop.start();

  return {
    settlement,
    sweeper,
    refunds,
    relay,
    /** Wakes the hold sweeper (after an HTTP action settled a lot). */
    kickSweeper: () => (run.sweeper ? sweepLoop.kick() : undefined),
    async stop() {
      await consumers?.stop();
      await settleLoop.stop();
      await sweepLoop.stop();
      await refundLoop.stop();
      await relay.stop();
    },
  };
}
export type PaymentJobs = Awaited<ReturnType<typeof startPayment>>;
