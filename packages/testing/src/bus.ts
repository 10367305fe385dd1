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
