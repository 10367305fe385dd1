import {
  authPlugin,
  createHttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type TokenVerifier,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { HistoryDb } from "./db/schema.js";
import { auditRoutes } from "./modules/audit/audit.routes.js";
import { createAuditService } from "./modules/audit/audit.service.js";
import { bidsRoutes } from "./modules/bids/bids.routes.js";
import { createBidsService } from "./modules/bids/bids.service.js";
import { myBidsRoutes } from "./modules/mybids/mybids.routes.js";
import { createMyBidsService } from "./modules/mybids/mybids.service.js";

export type AppDeps = {
  db: Kysely<HistoryDb>;
  verifier: TokenVerifier;
  log: Logger;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  instance?: string;
};

/** The HTTP app (bid history, my bids, the admin audit; health, readiness, metrics). Never listens. */
export async function buildApp(deps: AppDeps) {
  const app = createHttpApp({
    service: "history",
    instance: deps.instance ?? "local",
    logger: deps.log,
    metrics: deps.metrics,
    readiness: deps.readiness,
  });
  await app.register(authPlugin, { verifier: deps.verifier });
  await app.register(bidsRoutes, { bids: createBidsService({ db: deps.db }) });
  await app.register(myBidsRoutes, { myBids: createMyBidsService({ db: deps.db }) });
  await app.register(auditRoutes, { audit: createAuditService({ db: deps.db }) });
  return app;
}
