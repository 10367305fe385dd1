import { z } from "zod";

/**
 * The envelope every message on the bus carries. `id` is minted when the outbox row is written and
 * is reused as the JetStream `Nats-Msg-Id`, so a re-published row is dropped by the broker.
 * The subject of an event is its `type` (behind an optional deployment prefix).
 */
export const defineEvent = <const T extends string, D extends z.ZodObject>(type: T, data: D) =>
  z.object({
    id: z.uuid(),
    type: z.literal(type),
    occurredAt: z.iso.datetime({ offset: true }),
    correlationId: z.string().max(200).optional(),
    data,
  });

/** Any event schema made by {@link defineEvent}. */
export type EventSchema = ReturnType<typeof defineEvent<string, z.ZodObject>>;

/** The `type` (and subject) of an event schema. */
export const eventType = <S extends EventSchema>(schema: S): S["shape"]["type"]["value"] =>
  schema.shape.type.value;

/**
 * One JetStream stream per producing context. `subjects` are relative to the deployment prefix.
 * `maxAgeDays` bounds retention: events are facts for consumers, not the system of record.
 */
export type StreamSpec = { name: string; subjects: string[]; maxAgeDays: number };

/** A durable consumer: `<consumer service>--<subject with dashes>`. */
export const durableName = (service: string, type: string) => `${service}--${type.replaceAll(".", "-")}`;
