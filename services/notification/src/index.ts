/** What other code (tests, `npm start`) may use of the notification service. */
export { type AppDeps, buildApp } from "./app.js";
export { loadNotificationConfig, NotificationEnv } from "./config.js";
export { type AuctionEventDeps, auctionHandlers } from "./consumers/auction-events.consumer.js";
export { type CatalogEventDeps, catalogHandlers } from "./consumers/catalog-events.consumer.js";
export { type PaymentEventDeps, paymentHandlers } from "./consumers/payment-events.consumer.js";
export {
  type ConsumerDeps,
  emailCodeRequestedHandler,
  passwordResetRequestedHandler,
  SERVICE,
  startConsumers,
  userRegisteredHandler,
} from "./consumers/user-events.consumer.js";
export { migrations } from "./db/migrations/index.js";
export { type NotificationDb, SCHEMA } from "./db/schema.js";
export { createDeliveryService, type DeliveryService } from "./modules/email/delivery.service.js";
export { classifySmtpError, createMailer, type Mailer } from "./modules/email/mailer.js";
export { loadTemplates, type Templates } from "./modules/email/templates.js";
export {
  createNotificationsService,
  type NotificationsService,
} from "./modules/inapp/notifications.service.js";
export { createReminderJob, type ReminderJob } from "./modules/reminders/reminder.job.js";
