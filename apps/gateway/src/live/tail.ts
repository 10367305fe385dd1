import { AUCTION_STREAM, auction } from "@arte/contracts";
import type { Bus, Logger } from "@arte/platform";
import type { z } from "zod";
import type { Hub } from "./hub.js";

/** The change feed's kind of each lot event (as the auction service writes its change rows). */
const KIND: Record<string, string> = {
  [auction.LotScheduledV1.shape.type.value]: "SCHEDULED",
  [auction.LotOpenedV1.shape.type.value]: "OPENED",
  [auction.LotClosedV1.shape.type.value]: "CLOSED",
  [auction.LotSoldV1.shape.type.value]: "SOLD",
  [auction.LotUnsoldV1.shape.type.value]: "UNSOLD",
  [auction.LotCancelledV1.shape.type.value]: "CANCELLED",
  [auction.BidPlacedV1.shape.type.value]: "BID",
};
const SCHEMAS = new Map<string, (typeof auction.auctionEvents)[number]>(
  [...auction.lotEvents, auction.BidOutbidV1].map((s) => [s.shape.type.value, s]),
);

type LotData = auction.LotSnapshot & { placedAt?: string | undefined };
/** What this file needs of a JetStream message and of a running consumer. */
type StreamMsg = { subject: string; seq: number; json<T>(): T };
type Running = { close(): Promise<unknown>; closed(): Promise<unknown> };

/** A lot event's snapshot as one entry of the change feed (the same shape the auction service's RPC gives). */
export function changeOf(type: string, occurredAt: string, d: LotData): auction.LotChange {
  return {
    version: d.version,
    kind: KIND[type] ?? type,
    at: d.placedAt ?? occurredAt,
    status: d.status,
    currentPrice: d.currentPrice,
    nextMinimum: d.nextMinimum ?? d.currentPrice,
    bidCount: d.bidCount,
    endsAt: d.endsAt,
    reserveMet: d.reserveMet ?? false,
    leaderAlias: d.leaderAlias ?? null,
  };
}

/**
 * This gateway instance's own tail of the AUCTION stream: an ephemeral ordered consumer (no acks, in
 * stream order, recreated by the client at the right sequence after a disconnect) starting after the
 * stream's last message at boot. Every instance has its own, so sockets need no sticky sessions and
 * instances share nothing. Events are handed to the hub; unknown or malformed ones are skipped.
 */
export function createAuctionTail(opts: { bus: Bus; hub: Hub; log: Logger; instance: string }) {
  const { bus, hub, log } = opts;
  const stream = bus.stream(AUCTION_STREAM.name);
  let messages: Running | null = null;
  let running = false;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let attempts = 0;

  function handle(m: StreamMsg) {
    const type = bus.logical(m.subject);
    const schema = SCHEMAS.get(type);
    if (!schema) return; // rejected bids, hold releases: nothing to show
    let parsed: ReturnType<typeof schema.safeParse>;
    try {
      parsed = schema.safeParse(m.json());
    } catch {
      log.warn({ subject: m.subject, seq: m.seq }, "live: event is not JSON");
      return;
    }
    if (!parsed.success) {
      log.warn(
        { subject: m.subject, seq: m.seq, issues: parsed.error.issues.slice(0, 3) },
        "live: bad event",
      );
      return;
    }
    const event = parsed.data;
    if (event.type === auction.BidOutbidV1.shape.type.value) {
      hub.outbid(event.data as z.infer<typeof auction.BidOutbidV1>["data"]);
      return;
    }
    const d = event.data as LotData & {
      bidderUserId?: string;
      winnerUserId?: string;
      hammerPrice?: number;
      premium?: number;
      reason?: string;
    };
    if (type === auction.BidPlacedV1.shape.type.value) hub.bidPlaced(d.lotId, d.bidderUserId);
    hub.lotChanged(d.lotId, changeOf(type, event.occurredAt, d));
    if (type === auction.LotSoldV1.shape.type.value) hub.sold({ ...d, lotId: d.lotId });
    else if (type === auction.LotUnsoldV1.shape.type.value) hub.unsold(d);
    else if (type === auction.LotCancelledV1.shape.type.value) hub.lotCancelled(d.lotId);
  }

  async function open() {
    const info = await bus.jsm.streams.info(stream);
    // From "new" messages, as a start sequence: a consumer reset before the first message then
    // resumes here instead of replaying the stream.
    const consumer = await bus.js.consumers.get(stream, {
      opt_start_seq: info.state.last_seq + 1,
      name_prefix: `gateway_live_${opts.instance.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, 60),
    });
    const msgs = await consumer.consume({ max_messages: 1000, callback: handle });
    messages = msgs;
    running = true;
    attempts = 0;
    log.info({ stream, fromSeq: info.state.last_seq + 1 }, "live: tailing the auction stream");
    void msgs.closed().then(() => {
      running = false;
      messages = null;
      if (!stopped) {
        log.warn("live: the auction stream tail stopped; reopening");
        schedule();
      }
    });
  }

  function schedule() {
    if (stopped || retry) return;
    const delay = Math.min(10_000, 250 * 2 ** attempts++);
    retry = setTimeout(() => {
      retry = null;
      open().catch((err) => {
        log.warn({ err, attempts }, "live: cannot tail the auction stream yet");
        schedule();
      });
    }, delay);
    retry.unref();
  }

  return {
    /** Opens the tail; when the stream is not there yet, keeps trying in the background. */
    async start() {
      try {
        await open();
      } catch (err) {
        log.warn({ err }, "live: cannot tail the auction stream yet; retrying in the background");
        schedule();
      }
    },
    isRunning: () => running,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await messages?.close().catch(() => {});
    },
  };
}
export type AuctionTail = ReturnType<typeof createAuctionTail>;
