import { randomUUID } from "node:crypto";
import type { EventSchema } from "@arte/contracts";
import type { Kysely } from "kysely";
import type { z } from "zod";
import { markOutboxWritten, notifyOutbox } from "../db/after-commit.js";
import type { AnyExecutor, PlatformTables } from "../db/platform-migrations.js";

export type EnqueueOptions = { correlationId?: string | undefined; id?: string };

/**
 * Writes an event to the outbox on the caller's transaction: the event exists if and only if the
 * state change that announces it commits. The envelope is validated against the same schema the
 * consumers use, so a producer cannot emit what its consumers would reject. A NOTIFY wakes the relay
 * once the transaction has committed.
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
  // Wake the relay: after the commit when the transaction allows it (db/after-commit.ts), else now.
  if (!markOutboxWritten(trx)) await notifyOutbox(db as unknown as Kysely<unknown>);
  return event;
}
