import {
  authPlugin,
  createHttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type TokenVerifier,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { PaymentDb } from "./db/schema.js";
import type { BankClient } from "./lib/bank.js";
import { invoicesRoutes } from "./modules/invoices/invoices.routes.js";
import { createInvoices } from "./modules/invoices/invoices.service.js";
import { createRefunds } from "./modules/refunds/refunds.service.js";
import { createSettlement, type SettlementHooks } from "./modules/settlement/settlement.service.js";

export type AppDeps = {
  db: Kysely<PaymentDb>;
  bank: BankClient;
  verifier: TokenVerifier;
  log: Logger;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  instance?: string;
  leaseMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  hooks?: SettlementHooks;
  /** After a payment or an offer: release the lot's other holds now (the sweeper would, a tick later). */
  onLotSettled?: (lotId: string) => void;
};

/** The HTTP app (buyer's purchases and receipts, admin invoices and actions). It never listens: main.ts does, tests inject. */
export async function buildApp(deps: AppDeps) {
  const app = createHttpApp({
    service: "payment",
    instance: deps.instance ?? "local",
    logger: deps.log,
    metrics: deps.metrics,
    readiness: deps.readiness,
  });
  await app.register(authPlugin, { verifier: deps.verifier });
  const opts = {
    db: deps.db,
    bank: deps.bank,
    log: deps.log,
    leaseMs: deps.leaseMs ?? 30_000,
    retryBaseMs: deps.retryBaseMs ?? 2000,
  };
  const settlement = createSettlement({
    ...opts,
    instance: `${deps.instance ?? "local"}:http`,
    maxAttempts: deps.maxAttempts ?? 8,
    hooks: deps.hooks,
    onPaid: deps.onLotSettled,
  });
  await app.register(invoicesRoutes, {
    invoices: createInvoices({ db: deps.db, log: deps.log, settlement, onOffered: deps.onLotSettled }),
    refunds: createRefunds(opts),
  });
  return app;
}
