import {
  authPlugin,
  createHttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type RevocationCheck,
  type TokenVerifier,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { AuctionDb } from "./db/schema.js";
import type { BankClient } from "./lib/bank.js";
import type { ArtworkDirectory } from "./lib/catalog.js";
import { biddingRoutes } from "./modules/bidding/bidding.routes.js";
import { createBiddingService } from "./modules/bidding/bidding.service.js";
import { lotsRoutes } from "./modules/lots/lots.routes.js";
import { createLotsService } from "./modules/lots/lots.service.js";

export type AppDeps = {
  db: Kysely<AuctionDb>;
  bank: BankClient;
  /** The catalogue, asked whether an artwork exists before a lot of it is scheduled. */
  artworks: ArtworkDirectory;
  log: Logger;
  verifier: TokenVerifier;
  isRevoked?: RevocationCheck;
  instance?: string;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  /** Bids of one lot on the money path at once (BIDS_PER_LOT). */
  bidsPerLot?: number;
};

/** The auction service's HTTP app. It never listens: main.ts does, tests use inject(). */
export async function buildApp(deps: AppDeps) {
  const app = createHttpApp({
    service: "auction",
    instance: deps.instance ?? "local",
    logger: deps.log,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
  });
  await app.register(authPlugin, {
    verifier: deps.verifier,
    ...(deps.isRevoked ? { isRevoked: deps.isRevoked } : {}),
  });
  await app.register(lotsRoutes, { lots: createLotsService({ db: deps.db, artworks: deps.artworks }) });
  await app.register(biddingRoutes, {
    bidding: createBiddingService({
      db: deps.db,
      bank: deps.bank,
      log: deps.log,
      ...(deps.bidsPerLot ? { bidsPerLot: deps.bidsPerLot } : {}),
    }),
  });
  return app;
}
export type AuctionApp = Awaited<ReturnType<typeof buildApp>>;
