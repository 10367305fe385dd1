import { randomUUID } from "node:crypto";
import { durableName, type EventSchema, STREAMS, USER_STREAM } from "@arte/contracts";
import type { Bus } from "@arte/platform";
import { type TestSmtp, testLogger } from "@arte/testing";
import type { Kysely } from "kysely";
import type { z } from "zod";
import { startConsumers } from "../src/consumers/user-events.consumer.js";
import type { NotificationDb } from "../src/db/schema.js";
import { createDeliveryService } from "../src/modules/email/delivery.service.js";
import { createMailer } from "../src/modules/email/mailer.js";
import { loadTemplates } from "../src/modules/email/templates.js";

export const PUBLIC_URL = "https://arte.example";
export const MAIL_FROM = "Arte Moderni <no-reply@arte-moderni.test>";

/** The service's consumers wired to a test database, bus and SMTP server, with a short backoff. */
export async function startService(opts: {
  db: Kysely<NotificationDb>;
  bus: Bus;
  smtp: TestSmtp;
  streams?: string[];
  outbidEmailWindowMs?: number;
}) {
  const log = testLogger("notification");
  const mailer = createMailer({ smtpUrl: opts.smtp.url, from: MAIL_FROM, sendTimeoutMs: 5_000 });
  const delivery = createDeliveryService({ db: opts.db, mailer, templates: loadTemplates(), log });
  const consumers = await startConsumers({
    db: opts.db,
    streams: opts.streams ?? [USER_STREAM.name],
    outbidEmailWindowMs: opts.outbidEmailWindowMs,
    bus: opts.bus,
    log,
    delivery,
    publicUrl: PUBLIC_URL,
    backoffMs: () => 100,
    maxDeliver: 4,
  });
  return {
    delivery,
    log,
    async stop() {
      await consumers.stop();
      mailer.close();
    },
  };
}

export const recipient = () => `u-${randomUUID().slice(0, 8)}@example.com`;

/** A well-formed event envelope of the schema's type. */
export function makeEvent<S extends EventSchema>(
  schema: S,
  data: z.infer<S>["data"],
  occurredAt = new Date(),
): z.infer<S> {
  return schema.parse({
    id: randomUUID(),
    type: schema.shape.type.value,
    occurredAt: occurredAt.toISOString(),
    data,
  });
}

/** Publishes a raw event the way the user service's outbox relay does. */
export async function publish(bus: Bus, type: string, event: unknown, msgID = (event as { id: string }).id) {
  await bus.js.publish(bus.subject(type), JSON.stringify(event), { msgID });
}

export const durable = (schema: EventSchema) => durableName("notification", schema.shape.type.value);

/** True once the durable consumer has nothing pending and nothing unacknowledged. */
export async function consumerIdle(bus: Bus, schema: EventSchema) {
  const type = schema.shape.type.value;
  const stream = STREAMS.find((s) => s.subjects.some((subj) => type.startsWith(subj.slice(0, -1))));
  const info = await bus.jsm.consumers.info(bus.stream(stream?.name ?? USER_STREAM.name), durable(schema));
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

export type DlqEntry = { subject: string; headers: Record<string, string>; payload: unknown };

/** Every message on the test bus's dead-letter stream. */
export async function dlqEntries(bus: Bus): Promise<DlqEntry[]> {
  const stream = bus.stream("DLQ");
  const info = await bus.jsm.streams.info(stream);
  const out: DlqEntry[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!m) continue;
    const headers: Record<string, string> = {};
    for (const k of m.header?.keys() ?? []) headers[k] = m.header!.get(k);
    out.push({ subject: bus.logical(m.subject), headers, payload: m.json() });
  }
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
