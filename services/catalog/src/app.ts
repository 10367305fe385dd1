import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_ARTWORK } from "@arte/contracts/catalog.js";
import {
  authPlugin,
  createHttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type TokenVerifier,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { BlobStore } from "./blob/blob-store.js";
import { type BlobStaging, createBlobStaging } from "./blob/staging.js";
import type { CatalogDb } from "./db/schema.js";
import { createArtistsService } from "./modules/artists/artists.service.js";
import { createViews } from "./modules/artworks/artwork.view.js";
import { catalogRoutes } from "./modules/artworks/artworks.routes.js";
import { createArtworksService } from "./modules/artworks/artworks.service.js";
import { imagesRoutes } from "./modules/images/images.routes.js";
import { createImagesService } from "./modules/images/images.service.js";
import { createListingService } from "./modules/listing/listing.service.js";
import { mediaRoutes } from "./modules/media/media.routes.js";
import { createWatchlistService } from "./modules/watchlist/watchlist.service.js";

export type AppDeps = {
  db: Kysely<CatalogDb>;
  blobs: BlobStore;
  verifier: TokenVerifier;
  log: Logger;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  instance?: string;
  /** Seconds before a staged blob without a row may be swept (default 600). */
  blobGraceSeconds?: number;
  /** Tests lower these. */
  maxImages?: number;
  maxImageBytes?: number;
};

export function createServices(deps: AppDeps) {
  const views = createViews(deps.blobs);
  const maxImages = deps.maxImages ?? MAX_IMAGES_PER_ARTWORK;
  const maxImageBytes = deps.maxImageBytes ?? MAX_IMAGE_BYTES;
  const staging: BlobStaging = createBlobStaging({
    db: deps.db,
    blobs: deps.blobs,
    log: deps.log,
    graceSeconds: deps.blobGraceSeconds ?? 600,
  });
  const artists = createArtistsService({ db: deps.db, views, staging, maxImageBytes });
  return {
    views,
    staging,
    maxImages,
    maxImageBytes,
    artists,
    artworks: createArtworksService({ db: deps.db, views }),
    images: createImagesService({ db: deps.db, views, staging, maxImages, maxImageBytes }),
    listing: createListingService({ db: deps.db, views }),
    watchlist: createWatchlistService({ db: deps.db, views }),
  };
}
export type CatalogServices = ReturnType<typeof createServices>;

/** The catalog's HTTP app (API, media, health). It never listens: main.ts does, tests inject. */
export async function buildApp(deps: AppDeps) {
  const services = createServices(deps);
  const app = createHttpApp({
    service: "catalog",
    instance: deps.instance ?? "local",
    logger: deps.log,
    metrics: deps.metrics,
    readiness: deps.readiness,
  });
  await app.register(authPlugin, { verifier: deps.verifier });
  await app.register(catalogRoutes, services);
  await app.register(imagesRoutes, services);
  await app.register(mediaRoutes, { blobs: deps.blobs });
  app.decorate("catalog", services);
  return app;
}
export type CatalogApp = Awaited<ReturnType<typeof buildApp>>;
