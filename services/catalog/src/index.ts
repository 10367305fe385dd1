/** What other code (tests, `npm start`, benchmarks) may use of the catalog service. */
export { type AppDeps, buildApp, type CatalogServices, createServices } from "./app.js";
export { type BlobStore, IMMUTABLE_CACHE } from "./blob/blob-store.js";
export { createFsBlobStore } from "./blob/fs-store.js";
export { createBlobStore } from "./blob/index.js";
export { createS3BlobStore } from "./blob/s3-store.js";
export { CatalogEnv, loadCatalogConfig } from "./config.js";
export { applyLotEvent, SERVICE, startConsumers } from "./consumers/auction-events.consumer.js";
export { migrations } from "./db/migrations/index.js";
export { type CatalogDb, SCHEMA } from "./db/schema.js";
export { abstractImage, type SeedDeps, seedDemo } from "./seed/demo.js";
