import {
  authPlugin,
  createHttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type TokenVerifier,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { NotificationDb } from "./db/schema.js";
import { notificationsRoutes } from "./modules/inapp/notifications.routes.js";
import { createNotificationsService } from "./modules/inapp/notifications.service.js";
import { messagesRoutes } from "./modules/messages/messages.routes.js";
import { createMessagesService } from "./modules/messages/messages.service.js";

export type AppDeps = {
  db: Kysely<NotificationDb>;
  verifier: TokenVerifier;
  log: Logger;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  instance?: string;
};

/** The HTTP app (health, readiness, metrics, admin API, the caller's in-app notifications). It never listens: main.ts does, tests inject. */
export async function buildApp(deps: AppDeps) {
  const app = createHttpApp({
    service: "notification",
    instance: deps.instance ?? "local",
    logger: deps.log,
    metrics: deps.metrics,
    readiness: deps.readiness,
  });
  await app.register(authPlugin, { verifier: deps.verifier });
  await app.register(messagesRoutes, { messages: createMessagesService({ db: deps.db }) });
  await app.register(notificationsRoutes, { notifications: createNotificationsService({ db: deps.db }) });
  return app;
}
