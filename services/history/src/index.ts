/** What other code (tests, `npm start`) may use of the history service. */
export { type AppDeps, buildApp } from "./app.js";
export { HistoryEnv, loadHistoryConfig } from "./config.js";
export { type ConsumerDeps, handlerFor, SERVICE, startConsumers } from "./consumers/events.consumer.js";
export { migrations } from "./db/migrations/index.js";
export { type HistoryDb, SCHEMA } from "./db/schema.js";
export { myState } from "./modules/mybids/mybids.domain.js";
export {
  type ApplyOutcome,
  createProjectionService,
  type ProjectionService,
} from "./modules/projection/projection.service.js";
