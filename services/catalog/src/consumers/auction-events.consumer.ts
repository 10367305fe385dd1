import { AUCTION_STREAM, durableName, type EventSchema } from "@arte/contracts";
import { type LotSnapshot, lotEvents } from "@arte/contracts/auction.js";
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
import type { CatalogDb } from "../db/schema.js";
import { lotStateRepository as repo } from "../modules/lots/lot-state.repository.js";

export const SERVICE = "catalog";

export type ApplyOutcome = "applied" | "duplicate" | "stale";

/**
 * Applies one lot event to the read model in one transaction: the artwork row is locked first (so
 * events of two lots of one artwork, handled by two consumers, apply one after the other), the inbox
 * claims the event id (a redelivery stops here), and the snapshot replaces the stored one only if its
 * version is newer (an out-of-order older event stops here, and is still claimed and acked).
 */
export async function applyLotEvent(
  db: Kysely<CatalogDb>,
  consumer: string,
  event: { id: string; data: LotSnapshot },
): Promise<ApplyOutcome> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("artwork").select("id").where("id", "=", event.data.artworkId).forUpdate().execute();
    if (!(await claimInbox(trx, consumer, event.id))) return "duplicate";
    if (!(await repo.upsertIfNewer(trx, event.data))) return "stale";
    await repo.refreshArtwork(trx, event.data.artworkId);
    return "applied";
  });
}

export function lotEventHandler<S extends (typeof lotEvents)[number]>(
  schema: S,
  db: Kysely<CatalogDb>,
): EventHandler<S> {
  const durable = durableName(SERVICE, schema.shape.type.value);
  return {
    schema,
    async handle(event, { log }) {
      const outcome = await applyLotEvent(db, durable, event as { id: string; data: LotSnapshot });
      log.debug({ lotId: event.data.lotId, version: event.data.version, outcome }, "lot event");
    },
  };
}

export type ConsumerDeps = {
  db: Kysely<CatalogDb>;
  bus: Bus;
  log: Logger;
  metrics?: Metrics;
  backoffMs?: ConsumerOptions["backoffMs"];
  maxDeliver?: number;
};

/** One durable consumer per lot event type on the AUCTION stream (`catalog--auction-lot-opened-v1`, …). */
export async function startConsumers(deps: ConsumerDeps): Promise<{ stop(): Promise<void> }> {
  const running: RunningConsumer[] = [];
  try {
    for (const schema of lotEvents) {
      const handler = lotEventHandler(schema, deps.db) as unknown as EventHandler<EventSchema>;
      running.push(
        await runConsumer(
          deps.bus,
          {
            stream: AUCTION_STREAM.name,
            durable: durableName(SERVICE, schema.shape.type.value),
            log: deps.log,
            metrics: deps.metrics,
            backoffMs: deps.backoffMs,
            maxDeliver: deps.maxDeliver,
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
