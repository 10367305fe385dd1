import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One registry per process (one instance), labelled with service and instance. */
export function createMetrics(service: string, instance: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service, instance });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency",
      labelNames: ["method", "route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    outboxLag: new Gauge({
      name: "outbox_oldest_unpublished_seconds",
      help: "Age of the oldest unpublished outbox row",
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: "outbox_published_total",
      help: "Outbox rows published",
      registers: [registry],
    }),
    outboxFailures: new Counter({
      name: "outbox_publish_failures_total",
      help: "Outbox publish attempts that failed",
      registers: [registry],
    }),
    consumerHandled: new Counter({
      name: "consumer_messages_total",
      help: "Messages handled by durable consumers, by outcome",
      labelNames: ["durable", "outcome"] as const,
      registers: [registry],
    }),
    consumerRedeliveries: new Counter({
      name: "consumer_redeliveries_total",
      help: "Messages received with a delivery count above 1",
      labelNames: ["durable"] as const,
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: "consumer_pending_messages",
      help: "Messages in the stream not yet delivered to the durable consumer",
      labelNames: ["durable"] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
