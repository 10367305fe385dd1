import { pathToFileURL } from "node:url";
import { createRuntime, onShutdown } from "@arte/platform";
import { buildApp } from "./app.js";
import { loadNotificationConfig } from "./config.js";
import { startConsumers } from "./consumers/user-events.consumer.js";
import type { NotificationDb } from "./db/schema.js";
import { SCHEMA } from "./db/schema.js";
import { createDeliveryService } from "./modules/email/delivery.service.js";
import { createMailer } from "./modules/email/mailer.js";
import { loadTemplates } from "./modules/email/templates.js";
import { createReminderJob } from "./modules/reminders/reminder.job.js";

const config = loadNotificationConfig();
// Templates are checked before anything connects: a broken template stops the boot.
const templates = loadTemplates(
  config.TEMPLATE_DIR ? pathToFileURL(`${config.TEMPLATE_DIR.replace(/\/+$/, "")}/`) : undefined,
);
const runtime = await createRuntime<NotificationDb>({
  service: "notification",
  schema: SCHEMA,
  config,
  streams: [],
});
const { log, db, bus, metrics } = runtime;

const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
const delivery = createDeliveryService({ db, mailer, templates, log });

const app = await buildApp({
  db,
  verifier: runtime.verifier,
  log,
  metrics,
  readiness: runtime.readiness,
  instance: config.INSTANCE_ID,
});
await app.listen({ host: config.HOST, port: config.PORT });

// The streams belong to their producers (`npm start` creates every stream first). Until they exist,
// wait rather than crash-loop; after a minute, exit and let the supervisor restart us.
let consumers: Awaited<ReturnType<typeof startConsumers>> | undefined;
for (let attempt = 1; !consumers; attempt++) {
  try {
    consumers = await startConsumers({
      db,
      bus,
      log,
      metrics,
      delivery,
      publicUrl: config.PUBLIC_URL,
      outbidEmailWindowMs: config.OUTBID_EMAIL_WINDOW_SECONDS * 1000,
      reminderLeadMs: config.REMINDER_LEAD_MINUTES * 60_000,
    });
  } catch (err) {
    if (attempt >= 30 || !/not found/i.test(String((err as Error)?.message))) throw err;
    log.warn({ err: String(err), attempt }, "a stream is not there yet; retrying in 2 s");
    await new Promise((r) => setTimeout(r, 2000));
  }
}
const running = consumers;
const reminderJob = createReminderJob({
  db,
  delivery,
  log,
  publicUrl: config.PUBLIC_URL,
  tickMs: config.REMINDER_TICK_MS,
});
reminderJob.start();
log.info({ port: config.PORT, smtp: redactUrl(config.SMTP_URL) }, "notification service started");

onShutdown(log, [
  { name: "reminders", run: () => reminderJob.stop() },
  { name: "consumers", run: () => running.stop() },
  { name: "http", run: () => app.close() },
  { name: "mailer", run: async () => mailer.close() },
  { name: "runtime", run: () => runtime.close() },
]);

function redactUrl(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable)";
  }
}
