import { durableName, type EventSchema, USER_STREAM, users } from "@arte/contracts";
import {
  type Bus,
  type ConsumerOptions,
  type EventHandler,
  type Logger,
  type Metrics,
  type RunningConsumer,
  runConsumer,
} from "@arte/platform";
import type { DeliveryService } from "../modules/email/delivery.service.js";

export const SERVICE = "notification";

/** How long a code in the email stays valid, from the event (falls back to the user service's TTL). */
export function minutesUntil(expiresAt: string, from: string, fallback: number): number {
  const ms = Date.parse(expiresAt) - Date.parse(from);
  if (!Number.isFinite(ms) || ms <= 0) return fallback;
  return Math.max(1, Math.round(ms / 60_000));
}

export type UserEventDeps = { delivery: DeliveryService; publicUrl: string };

export function userRegisteredHandler(deps: UserEventDeps): EventHandler<typeof users.UserRegisteredV1> {
  return {
    schema: users.UserRegisteredV1,
    async handle(event, { log }) {
      await deps.delivery.deliver(
        {
          eventId: event.id,
          template: "welcome",
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

export type ConsumerDeps = UserEventDeps & {
  bus: Bus;
  log: Logger;
  metrics?: Metrics;
  /** Runner overrides (tests use a short backoff). */
  backoffMs?: ConsumerOptions["backoffMs"];
  maxDeliver?: number;
};

/** Above the mailer's overall send deadline, so a slow send is not redelivered while it runs. */
const ACK_WAIT_MS = 90_000;

/**
 * Starts one durable consumer per event type on the USER stream
 * (`notification--user-account-registered-v1`, …). Returns a stopper that waits for the messages in flight.
 */
export async function startConsumers(deps: ConsumerDeps): Promise<{ stop(): Promise<void> }> {
  const handlers: EventHandler<EventSchema>[] = [
    userRegisteredHandler(deps) as unknown as EventHandler<EventSchema>,
    emailCodeRequestedHandler(deps) as unknown as EventHandler<EventSchema>,
    passwordResetRequestedHandler(deps) as unknown as EventHandler<EventSchema>,
  ];
  const running: RunningConsumer[] = [];
  try {
    for (const handler of handlers) {
      const type = handler.schema.shape.type.value;
      running.push(
        await runConsumer(
          deps.bus,
          {
            stream: USER_STREAM.name,
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
