import type { EventSchema } from "@arte/contracts";
import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import type { z } from "zod";
import { PermanentError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { Bus } from "./bus.js";

export type EventHandler<S extends EventSchema> = {
  schema: S;
  handle(event: z.infer<S>, ctx: { log: Logger; deliveryCount: number }): Promise<void>;
};

export type ConsumerOptions = {
  /** Logical stream name (from contracts), e.g. "USER". */
  stream: string;
  durable: string;
  log: Logger;
  metrics?: Metrics;
  /** Deliveries before the message goes to the dead-letter stream. */
  maxDeliver?: number;
  /** Delay before redelivery number n+1 (n ≥ 1). Default: 1 s, 2 s, 4 s … capped at 60 s. */
  backoffMs?: (deliveryCount: number) => number;
  ackWaitMs?: number;
  /**
   * Lifetime of each pull request (default 10 s). nats-server 2.9 cannot cancel a pull request: after
   * stop(), messages the server still sends to it go nowhere until it expires, then come back after
   * ack_wait. Short pulls keep that window small; they cost one tiny request per period when idle.
   */
  pullExpiresMs?: number;
};

/**
 * Creates (or updates) the durable consumer for one event type. Idempotent; `npm start` and each
 * service's boot both call it.
 */
export async function ensureConsumer(
  bus: Bus,
  schema: EventSchema,
  opts: Pick<ConsumerOptions, "stream" | "durable" | "maxDeliver" | "ackWaitMs">,
) {
  const config = {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: bus.subject(schema.shape.type.value),
    // The runner dead-letters on the last allowed delivery; the server limit is one more, as a backstop.
    max_deliver: (opts.maxDeliver ?? 8) + 1,
    ack_wait: (opts.ackWaitMs ?? 30_000) * 1_000_000,
    max_ack_pending: 1000,
  };
  const stream = bus.stream(opts.stream);
  try {
    await bus.jsm.consumers.info(stream, opts.durable);
    await bus.jsm.consumers.update(stream, opts.durable, {
      max_deliver: config.max_deliver,
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
    });
  } catch (err) {
    if (!String((err as Error).message).includes("not found")) throw err;
    await bus.jsm.consumers.add(stream, config);
  }
}

/** Puts a message on the dead-letter stream with why it failed; its original payload is kept as is. */
async function deadLetter(bus: Bus, durable: string, m: JsMsg, reason: string) {
  const h = natsHeaders();
  // Keep the producer's headers (Correlation-Id …) so a replay carries them; not the broker's own.
  for (const [k, values] of m.headers ?? []) {
    if (k.startsWith("Nats-") || k.startsWith("Dlq-")) continue;
    for (const v of values) h.append(k, v);
  }
  h.set("Dlq-Original-Subject", bus.logical(m.subject));
  h.set("Dlq-Original-Stream", m.info.stream);
  h.set("Dlq-Original-Seq", String(m.seq));
  h.set("Dlq-Durable", durable);
  h.set("Dlq-Deliveries", String(m.info.deliveryCount));
  h.set("Dlq-Reason", reason.slice(0, 1000).replaceAll(/[\r\n]+/g, " "));
  await bus.js.publish(bus.subject(`dlq.${durable}`), m.data, {
    headers: h,
    msgID: `${durable}:${m.info.stream}:${m.seq}`,
  });
}

/**
 * The one loop that runs every consumer: parse against the contract, handle, then ack.
 * - a payload that breaks its contract, or a PermanentError: dead-lettered at once;
 * - any other failure: nak with backoff; on the last allowed delivery, dead-lettered;
 * - handlers are idempotent (inbox), so a redelivery after a crash costs nothing.
 * Returns a stopper that waits for the message in flight.
 */
export async function runConsumer<S extends EventSchema>(
  bus: Bus,
  opts: ConsumerOptions,
  handler: EventHandler<S>,
) {
  const maxDeliver = opts.maxDeliver ?? 8;
  const backoff = opts.backoffMs ?? ((n: number) => Math.min(60_000, 1000 * 2 ** (n - 1)));
  await ensureConsumer(bus, handler.schema, opts);
  const consumer = await bus.js.consumers.get(bus.stream(opts.stream), opts.durable);
  let messages: ConsumerMessages | null = await consumer.consume({
    max_messages: 64,
    expires: Math.max(1_000, opts.pullExpiresMs ?? 10_000),
  });
  const metrics = opts.metrics;
  const durable = opts.durable;
  let stopping = false;

  const done = (async () => {
    for await (const m of messages!) {
      // After stop(), the iterator still yields what it had buffered: hand those back at once (another
      // instance takes them) instead of making shutdown wait for them.
      if (stopping) {
        m.nak();
        continue;
      }
      const deliveryCount = m.info.deliveryCount;
      const log = opts.log.child({ durable, subject: m.subject, seq: m.seq, delivery: deliveryCount });
      if (deliveryCount > 1) metrics?.consumerRedeliveries.inc({ durable });
      metrics?.consumerLag.set({ durable }, m.info.pending);
      let payload: unknown;
      try {
        payload = m.json();
      } catch {
        payload = undefined;
      }
      const parsed = handler.schema.safeParse(payload);
      if (!parsed.success) {
        log.error(
          { issues: parsed.error.issues.slice(0, 5) },
          "event does not match its contract; dead-lettered",
        );
        await settleDead(
          m,
          "contract violation: " +
            parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
          log,
        );
        continue;
      }
      try {
        await handler.handle(parsed.data as z.infer<S>, { log, deliveryCount });
        m.ack();
        metrics?.consumerHandled.inc({ durable, outcome: "ok" });
      } catch (err) {
        const permanent = err instanceof PermanentError;
        if (permanent || deliveryCount >= maxDeliver) {
          log.error(
            { err },
            permanent ? "permanent failure; dead-lettered" : "delivery limit reached; dead-lettered",
          );
          await settleDead(m, String((err as Error)?.message ?? err), log);
        } else {
          log.warn({ err }, "handler failed; will be redelivered");
          m.nak(backoff(deliveryCount));
          metrics?.consumerHandled.inc({ durable, outcome: "retry" });
        }
      }
    }
  })();

  async function settleDead(m: JsMsg, reason: string, log: Logger) {
    try {
      await deadLetter(bus, durable, m, reason);
      // term(): no reason string (nats-server 2.9 ignores "+TERM <reason>" and keeps it pending).
      m.term();
      metrics?.consumerHandled.inc({ durable, outcome: "dead" });
    } catch (err) {
      // The DLQ publish failed: leave the message to be redelivered rather than lose it.
      log.error({ err }, "dead-letter publish failed; will be redelivered");
      m.nak(5000);
    }
  }

  return {
    /** Stops pulling, waits for the message being handled, and returns the buffered ones unhandled. */
    async stop() {
      stopping = true;
      const msgs = messages;
      messages = null;
      if (msgs) await msgs.close().catch(() => {});
      await done.catch(() => {});
    },
  };
}
export type RunningConsumer = Awaited<ReturnType<typeof runConsumer>>;
