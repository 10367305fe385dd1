import { headers as natsHeaders } from "@nats-io/transport-node";
import { AppError } from "../errors.js";
import { type Bus, DLQ_STREAM } from "./bus.js";

/** A message on the dead-letter stream, with why it got there. */
export type DeadLetter = {
  /** Sequence in the DLQ stream: what `replay` takes. */
  seq: number;
  durable: string;
  /** Logical subject it was consumed from (without the deployment prefix). */
  originalSubject: string;
  originalStream: string;
  originalSeq: number;
  reason: string;
  deliveries: number;
  deadAt: Date;
  /** The producer's headers (Correlation-Id …), without the broker's and the DLQ's own. */
  headers: Record<string, string>;
  data: Uint8Array;
};

const first = (h: { get(k: string): string } | undefined, k: string) => h?.get(k) ?? "";

/**
 * Dead-lettered messages in sequence order, optionally only one durable's. Reads the stream by
 * sequence (a DLQ is small; a large one is an incident of its own).
 */
export async function listDeadLetters(
  bus: Bus,
  opts: { durable?: string | undefined; limit?: number } = {},
): Promise<DeadLetter[]> {
  const stream = bus.stream(DLQ_STREAM.name);
  const info = await bus.jsm.streams.info(stream);
  const out: DeadLetter[] = [];
  if (info.state.messages === 0) return out;
  const limit = opts.limit ?? 1000;
  const wantSubject = opts.durable ? bus.subject(`dlq.${opts.durable}`) : undefined;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && out.length < limit; seq++) {
    const m = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null); // deleted: a gap
    if (!m || (wantSubject && m.subject !== wantSubject)) continue;
    const headers: Record<string, string> = {};
    for (const [k, v] of m.header ?? []) {
      if (!k.startsWith("Dlq-") && !k.startsWith("Nats-")) headers[k] = v[0] ?? "";
    }
    out.push({
      seq: m.seq,
      durable: first(m.header, "Dlq-Durable"),
      originalSubject: first(m.header, "Dlq-Original-Subject"),
      originalStream: first(m.header, "Dlq-Original-Stream"),
      originalSeq: Number(first(m.header, "Dlq-Original-Seq")),
      reason: first(m.header, "Dlq-Reason"),
      deliveries: Number(first(m.header, "Dlq-Deliveries")),
      deadAt: m.time,
      headers,
      data: m.data,
    });
  }
  return out;
}

/**
 * Republishes a dead letter's original payload and headers to its original subject, then deletes it
 * from the DLQ. Every durable on that subject receives it again, not only the one that failed: the
 * others' inbox drops it (same event id). The message id is derived from the DLQ entry, so running
 * the same replay twice within the duplicate window publishes once; it differs from the original's
 * id, which the broker would drop.
 */
export async function replayDeadLetter(
  bus: Bus,
  seq: number,
): Promise<{ seq: number; subject: string; streamSeq: number; msgID: string }> {
  const stream = bus.stream(DLQ_STREAM.name);
  const m = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
  if (!m) throw new AppError("NOT_FOUND", 404, `no dead letter with seq ${seq}`);
  const subject = m.header?.get("Dlq-Original-Subject");
  if (!subject) throw new AppError("VALIDATION_FAILED", 400, `dead letter ${seq} has no original subject`);
  const h = natsHeaders();
  for (const [k, values] of m.header ?? []) {
    if (k.startsWith("Dlq-") || k.startsWith("Nats-")) continue;
    for (const v of values) h.append(k, v);
  }
  h.set("Dlq-Replayed-From", String(seq));
  const msgID = `dlq-replay:${seq}:${m.time.getTime()}`;
  const ack = await bus.js.publish(bus.subject(subject), m.data, { msgID, headers: h });
  await bus.jsm.streams.deleteMessage(stream, seq, false);
  return { seq, subject, streamSeq: ack.seq, msgID };
}
