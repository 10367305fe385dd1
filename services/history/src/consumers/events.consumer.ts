import {
  AUCTION_STREAM,
  auction,
  CATALOG_STREAM,
  catalog,
  defineEvent,
  durableName,
  type EventSchema,
} from "@arte/contracts";
import { historyAuctionEvents, historyCatalogEvents } from "@arte/contracts/history.js";
import {
  type Bus,
  type ConsumerOptions,
  type EventHandler,
  type Logger,
  type Metrics,
  type RunningConsumer,
  runConsumer,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { HistoryDb } from "../db/schema.js";
import {
  type ArtworkEvent,
  type BidRejectedEvent,
  createProjectionService,
  type LotEvent,
  type ProjectionService,
} from "../modules/projection/projection.service.js";

export const SERVICE = "history";

/**
 * The catalog's artwork events, read tolerantly: fields the snapshot may gain (`primaryImage`,
 * `images`) are kept rather than stripped, so the primary image shows as soon as the catalog sends it.
 */
const tolerantArtworkEvent = (schema: (typeof historyCatalogEvents)[number]) =>
  defineEvent(schema.shape.type.value, catalog.ArtworkSnapshot.loose());

/** The handler of one event type (exported for tests that call it without a bus). */
export function handlerFor(schema: EventSchema, projection: ProjectionService): EventHandler<EventSchema> {
  const type = schema.shape.type.value;
  const durable = durableName(SERVICE, type);
  if (type === auction.BidRejectedV1.shape.type.value)
    return {
      schema,
      async handle(event, { log }) {
        const outcome = await projection.applyBidRejected(durable, event as BidRejectedEvent);
        log.debug({ outcome }, "bid rejected event");
      },
    };
  if ((historyCatalogEvents as readonly EventSchema[]).includes(schema))
    return {
      schema: tolerantArtworkEvent(schema as (typeof historyCatalogEvents)[number]),
      async handle(event, { log }) {
        const outcome = await projection.applyArtworkEvent(durable, event as unknown as ArtworkEvent);
        log.debug({ outcome }, "artwork event");
      },
    };
  return {
    schema,
    async handle(event, { log }) {
      const outcome = await projection.applyLotEvent(durable, event as unknown as LotEvent, log);
      log.debug({ outcome }, "lot event");
    },
  };
}

export type ConsumerDeps = {
  db: Kysely<HistoryDb>;
  bus: Bus;
  log: Logger;
  metrics?: Metrics;
  backoffMs?: ConsumerOptions["backoffMs"];
  maxDeliver?: number;
};

/**
 * One durable consumer per event type (`history--auction-bid-placed-v1`, …): every lot event and
 * refused bid on AUCTION, the artwork events on CATALOG.
 */
export async function startConsumers(deps: ConsumerDeps): Promise<{ stop(): Promise<void> }> {
  const projection = createProjectionService({ db: deps.db, log: deps.log });
  const plan: [string, readonly EventSchema[]][] = [
    [AUCTION_STREAM.name, historyAuctionEvents],
    [CATALOG_STREAM.name, historyCatalogEvents],
  ];
  const running: RunningConsumer[] = [];
  try {
    for (const [stream, schemas] of plan)
      for (const schema of schemas)
        running.push(
          await runConsumer(
            deps.bus,
            {
              stream,
              durable: durableName(SERVICE, schema.shape.type.value),
              log: deps.log,
              metrics: deps.metrics,
              backoffMs: deps.backoffMs,
              maxDeliver: deps.maxDeliver,
            },
            handlerFor(schema, projection),
          ),
        );
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
