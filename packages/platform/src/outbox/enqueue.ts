import { randomUUID } from "node:crypto";
import type { EventSchema } from "@arte/contracts";
import { type Kysely, sql } from "kysely";
import type { z } from "zod";
import type { AnyExecutor, PlatformTables } from "../db/platform-migrations.js";

export type EnqueueOptions = { correlationId?: string | undefined; id?: string };

/**
 * Writes an event to the outbox on the caller's transaction: the event exists if and only if the
 * state change that announces it commits. The envelope is validated against the same schema the
 * consumers use, so a producer cannot emit what its consumers would reject. NOTIFY wakes the relay
 * at commit time.
 */
export async function enqueue<S extends EventSchema>(
  trx: AnyExecutor,
  schema: S,
  data: z.input<S["shape"]["data"]>,
  opts: EnqueueOptions = {},
): Promise<z.infer<S>> {
  const type = schema.shape.type.value;
  const event = schema.parse({
    id: opts.id ?? randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    correlationId: opts.correlationId,
    data,
  }) as z.infer<S>;
  const db = trx as unknown as Kysely<PlatformTables>;
  await db
    .insertInto("outbox")
    .values({
      id: event.id,
      subject: type,
      payload: JSON.stringify(event),
      headers: JSON.stringify(opts.correlationId ? { "Correlation-Id": opts.correlationId } : {}),
    })
    .execute();
  await sql`select pg_notify('outbox_' || current_schema(), '')`.execute(db);
  return event;
}
