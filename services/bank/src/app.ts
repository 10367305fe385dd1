import {
  authPlugin,
  createHttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type TokenVerifier,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { BankDb } from "./db/schema.js";
import { adminRoutes } from "./modules/admin/admin.routes.js";
import { createAdminService } from "./modules/admin/admin.service.js";
import { type BankService, createBankService } from "./modules/ledger/ledger.service.js";

export type AppDeps = {
  db: Kysely<BankDb>;
  verifier: TokenVerifier;
  log: Logger;
  bank?: BankService;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  instance?: string;
};

/** The HTTP app (health, readiness, metrics, admin API). It never listens: main.ts does, tests inject. */
export async function buildApp(deps: AppDeps) {
  const app = createHttpApp({
    service: "bank",
    instance: deps.instance ?? "local",
    logger: deps.log,
    metrics: deps.metrics,
    readiness: deps.readiness,
  });
  await app.register(authPlugin, { verifier: deps.verifier });
  const bank = deps.bank ?? createBankService({ db: deps.db, log: deps.log });
  await app.register(adminRoutes, { admin: createAdminService({ db: deps.db, bank }) });
  return app;
}
