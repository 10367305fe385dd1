import {
  AUCTION_STREAM,
  CATALOG_STREAM,
  durableName,
  type EventSchema,
  PAYMENT_STREAM,
  USER_STREAM,
  users,
} from "@arte/contracts";
import {
  type Bus,
  type ConsumerOptions,
  claimInbox,
  type EventHandler,
  type Logger,
  type Metrics,
  type RunningConsumer,
  runConsumer,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { NotificationDb } from "../db/schema.js";
import type { DeliveryService } from "../modules/email/delivery.service.js";
import { readModels } from "../modules/readmodels/readmodels.repository.js";
import { type AuctionEventDeps, auctionHandlers } from "./auction-events.consumer.js";
import { catalogHandlers } from "./catalog-events.consumer.js";
import { paymentHandlers } from "./payment-events.consumer.js";
import { SERVICE } from "./service.js";

export { SERVICE };

/** How long a code in the email stays valid, from the event (falls back to the user service's TTL). */
export function minutesUntil(expiresAt: string, from: string, fallback: number): number {
  const ms = Date.parse(expiresAt) - Date.parse(from);
  if (!Number.isFinite(ms) || ms <= 0) return fallback;
  return Math.max(1, Math.round(ms / 60_000));
}

export type UserEventDeps = { db: Kysely<NotificationDb>; delivery: DeliveryService; publicUrl: string };

/** Records the user as a recipient (inbox-claimed), then sends the welcome email (at most once). */
export function userRegisteredHandler(deps: UserEventDeps): EventHandler<typeof users.UserRegisteredV1> {
  const durable = durableName(SERVICE, users.UserRegisteredV1.shape.type.value);
  return {
    schema: users.UserRegisteredV1,
    async handle(event, { log }) {
      const d = event.data;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return;
        await readModels.upsertRecipient(trx, d);
      });
      await deps.delivery.deliver(
        {
          eventId: event.id,
          template: "welcome",
          userId: d.userId,
          to: event.data.email,
          locale: event.data.locale,
          vars: { username: event.data.username, siteUrl: `${deps.publicUrl}/` },
        },
        log,
      );
    },
  };
}

export function emailCodeRequestedHandler(
  deps: UserEventDeps,
): EventHandler<typeof users.EmailCodeRequestedV1> {
  return {
    schema: users.EmailCodeRequestedV1,
    async handle(event, { log }) {
      await deps.delivery.deliver(
        {
          eventId: event.id,
          template: "email-code",
          to: event.data.email,
          locale: event.data.locale,
          vars: { code: event.data.code, minutes: minutesUntil(event.data.expiresAt, event.occurredAt, 5) },
          expiresAt: new Date(event.data.expiresAt),
        },
        log,
      );
    },
  };
}

export function passwordResetRequestedHandler(
  deps: UserEventDeps,
): EventHandler<typeof users.PasswordResetRequestedV1> {
  return {
    schema: users.PasswordResetRequestedV1,
    async handle(event, { log }) {
      await deps.delivery.deliver(
        {
          eventId: event.id,
          template: "password-reset",
          to: event.data.email,
          locale: event.data.locale,
          vars: {
            username: event.data.username,
            code: event.data.code,
            minutes: minutesUntil(event.data.expiresAt, event.occurredAt, 15),
            siteUrl: `${deps.publicUrl}/`,
          },
          expiresAt: new Date(event.data.expiresAt),
        },
        log,
      );
    },
  };
}

export type ConsumerDeps = UserEventDeps &
  Omit<AuctionEventDeps, "db" | "delivery" | "publicUrl"> & {
    bus: Bus;
    log: Logger;
    metrics?: Metrics;
    /** Runner overrides (tests use a short backoff). */
    backoffMs?: ConsumerOptions["backoffMs"];
    maxDeliver?: number;
    /** The streams to consume (default: USER, AUCTION, CATALOG, PAYMENT). */
    streams?: string[];
  };

/** Above the mailer's overall send deadline, so a slow send is not redelivered while it runs. */
const ACK_WAIT_MS = 90_000;

const any = (h: unknown) => h as EventHandler<EventSchema>;

/**
 * Starts one durable consumer per event type on the USER, AUCTION, CATALOG and PAYMENT streams
 * (`notification--user-account-registered-v1`, `notification--auction-bid-outbid-v1`, …). Returns a
 * stopper that waits for the messages in flight.
 */
export async function startConsumers(deps: ConsumerDeps): Promise<{ stop(): Promise<void> }> {
  const byStream: [string, EventHandler<EventSchema>[]][] = [
    [
      USER_STREAM.name,
      [userRegisteredHandler(deps), emailCodeRequestedHandler(deps), passwordResetRequestedHandler(deps)].map(
        any,
      ),
    ],
    [AUCTION_STREAM.name, auctionHandlers(deps).map(any)],
    [CATALOG_STREAM.name, catalogHandlers(deps).map(any)],
    [PAYMENT_STREAM.name, paymentHandlers(deps).map(any)],
  ];
  const wanted = new Set(deps.streams ?? byStream.map(([s]) => s));
  const running: RunningConsumer[] = [];
  try {
    for (const [stream, handlers] of byStream) {
      if (!wanted.has(stream)) continue;
      for (const handler of handlers) {
        const type = handler.schema.shape.type.value;
        running.push(
          await runConsumer(
            deps.bus,
            {
              stream,
              durable: durableName(SERVICE, type),
              log: deps.log,
              metrics: deps.metrics,
              backoffMs: deps.backoffMs,
              maxDeliver: deps.maxDeliver,
              ackWaitMs: ACK_WAIT_MS,
            },
            handler,
          ),
        );
      }
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.stop()));
    throw err;
  }
  return {
    async stop() {
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}
