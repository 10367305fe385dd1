import type { StreamSpec } from "@arte/contracts";
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "../logger.js";

/** The dead-letter stream: `dlq.<durable>` subjects, kept 30 days, replayable by `npm run dlq`. */
export const DLQ_STREAM: StreamSpec = { name: "DLQ", subjects: ["dlq.>"], maxAgeDays: 30 };

/** Broker-side dedupe window for `Nats-Msg-Id`; the outbox keeps published rows far longer. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

export type Bus = {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  prefix: string;
  /** The wire subject of a logical subject (an event type or `rpc.<name>`). */
  subject(logical: string): string;
  /** The logical subject of a wire subject. */
  logical(wire: string): string;
  /** The deployment's name of a stream. */
  stream(name: string): string;
  close(): Promise<void>;
};

export type BusOptions = {
  url: string;
  name: string;
  prefix?: string;
  user?: string | undefined;
  pass?: string | undefined;
  log?: Logger;
};

/** Connects to NATS (reconnecting forever) and JetStream. */
export async function connectBus(opts: BusOptions): Promise<Bus> {
  const nc = await connect({
    servers: opts.url.split(","),
    name: opts.name,
    user: opts.user,
    pass: opts.pass,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  if (opts.log) {
    const log = opts.log;
    (async () => {
      for await (const s of nc.status()) {
        if (s.type === "disconnect" || s.type === "reconnect")
          log.warn({ nats: s.type }, "nats connection status");
      }
    })().catch(() => {});
  }
  const prefix = opts.prefix ?? "";
  return {
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    prefix,
    subject: (s) => (prefix ? `${prefix}.${s}` : s),
    logical: (s) => (prefix && s.startsWith(`${prefix}.`) ? s.slice(prefix.length + 1) : s),
    stream: (n) => (prefix ? `${prefix}_${n}` : n),
    async close() {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}

/** Creates or updates streams (idempotent); the dead-letter stream is always included. */
export async function ensureStreams(bus: Bus, specs: StreamSpec[], replicas = 1) {
  const nanos = (ms: number) => ms * 1_000_000;
  for (const spec of [...specs, DLQ_STREAM]) {
    const config = {
      name: bus.stream(spec.name),
      subjects: spec.subjects.map((s) => bus.subject(s)),
      max_age: nanos(spec.maxAgeDays * 24 * 3600_000),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    };
    try {
      await bus.jsm.streams.info(config.name);
      await bus.jsm.streams.update(config.name, config);
    } catch (err) {
      if (!String((err as Error).message).includes("not found")) throw err;
      await bus.jsm.streams.add(config);
    }
  }
}
