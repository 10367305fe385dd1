/** What other code (tests, `npm start`) may use of the auction service. */
export { type AppDeps, type AuctionApp, buildApp } from "./app.js";
export { AuctionEnv, loadAuctionConfig } from "./config.js";
export {
  BankAccountLinkedV1,
  BankAccountUnlinkedV1,
  bankLinkedHandler,
  bankUnlinkedHandler,
  holdReleaseHandler,
  SERVICE,
  startConsumers,
  userSuspendedHandler,
} from "./consumers/consumers.js";
export { migrations } from "./db/migrations/index.js";
export { type AuctionDb, SCHEMA } from "./db/schema.js";
export { type Jobs, type JobsDeps, startJobs } from "./jobs.js";
export { type BankClient, createBankClient } from "./lib/bank.js";
export * as rules from "./modules/bidding/bidding.domain.js";
export { createReconciler, settleRelease } from "./modules/holds/holds.service.js";
export { type DemoLot, type DemoLotRole, seedDemoLots } from "./modules/lots/demo-seed.js";
export { createScheduler } from "./modules/scheduler/scheduler.js";
