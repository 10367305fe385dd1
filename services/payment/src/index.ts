/** What other code (tests, `npm start`) may use of the payment service. */
export { type AppDeps, buildApp } from "./app.js";
export { loadPaymentConfig, PaymentEnv } from "./config.js";
export { paymentHandlers, SERVICE, startConsumers } from "./consumers/consumers.js";
export { migrations } from "./db/migrations/index.js";
export { type PaymentDb, SCHEMA } from "./db/schema.js";
export { type PaymentJobs, type PaymentJobsDeps, startPayment } from "./jobs.js";
export { type BankClient, createBankClient } from "./lib/bank.js";
export { renderReceipt } from "./modules/invoices/invoices.domain.js";
export { createSettlement, type SettlementHooks } from "./modules/settlement/settlement.service.js";
