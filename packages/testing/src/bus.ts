import { randomBytes } from "node:crypto";
import type { StreamSpec } from "@arte/contracts";
import { type Bus, connectBus, DLQ_STREAM, ensureStreams } from "@arte/platform";

export const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

/** A NATS connection with a subject and stream prefix of its own, and its streams; removed afterwards. */
export async function createTestBus(streams: StreamSpec[], prefix = `t${randomBytes(4).toString("hex")}`) {
  const bus = await connectBus({ url: NATS_URL, name: `test-${prefix}`, prefix });
  await ensureStreams(bus, streams);
  return {
    bus,
    prefix,
    /** Another connection on the same prefix (a second instance). */
    async connectAnother(): Promise<Bus> {
      return connectBus({ url: NATS_URL, name: `test-${prefix}-2`, prefix });
    },
    async destroy() {
      for (const s of [...streams, DLQ_STREAM])
        await bus.jsm.streams.delete(bus.stream(s.name)).catch(() => {});
      await bus.close();
    },
  };
}

/** A message as stored in a stream. */
export type StreamMessage = {
  seq: number;
  subject: string;
  headers: Record<string, string>;
  data: Uint8Array;
  json<T = unknown>(): T;
};

/**
 * Every message currently in a stream (by the deployment's stream name, e.g. `bus.stream("USER")`), in
 * sequence order, optionally only those on one wire subject. Reads by sequence, so it sees acked and
 * terminated messages too: use it to assert what the broker holds, e.g. "exactly one per event id".
 */
export async function readStream(bus: Bus, stream: string, subject?: string): Promise<StreamMessage[]> {
  const info = await bus.jsm.streams.info(stream);
  const out: StreamMessage[] = [];
  if (info.state.messages === 0) return out;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null); // deleted: a gap
    if (!m || (subject && m.subject !== subject)) continue;
    const headers: Record<string, string> = {};
    for (const [k, v] of m.header ?? []) headers[k] = v[0] ?? "";
    out.push({ seq: m.seq, subject: m.subject, headers, data: m.data, json: <T>() => m.json<T>() });
  }
  return out;
}
