import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type auction, auction as contract, live } from "@arte/contracts";
import { AppError, type Bus, serveRpc } from "@arte/platform";
import { createTestRedis, eventually, testLogger } from "@arte/testing";
import WebSocket from "ws";
import { buildGateway } from "../src/app.js";
import { parseConfig } from "../src/config.js";
import type { ChangeSource } from "../src/live/index.js";
import type { Keys } from "./harness.js";

type LotChange = auction.LotChange;
const ARTWORK = "00000000-0000-4000-8000-000000000001";

/**
 * A stand-in for the auction service's side of the live feed: lots whose every change is kept (as the
 * service's `lot_change` rows), the real `auction.lot_changes` RPC served on the test bus (contract
 * validated both ways), and the lot events published to the real AUCTION stream like its outbox relay.
 */
export function startFakeAuction(bus: Bus) {
  const lots = new Map<string, LotChange[]>();
  const calls: { lotId: string; sinceVersion: number; limit: number }[] = [];
  const sub = serveRpc(
    bus,
    contract.LotChangesRpc,
    { queue: "auction", log: testLogger("auction") },
    async (req) => {
      calls.push(req);
      const changes = lots.get(req.lotId);
      if (!changes) throw new AppError("LOT_NOT_FOUND", 404, "No such lot");
      return {
        lotId: req.lotId,
        version: changes.length,
        changes: changes.filter((c) => c.version > req.sinceVersion).slice(0, req.limit),
      };
    },
  );

  async function publishLot(
    lotId: string,
    change: LotChange,
    type = contract.BidPlacedV1.shape.type.value as string,
    extra: Record<string, unknown> = {},
  ) {
    const data = {
      lotId,
      artworkId: ARTWORK,
      status: change.status,
      currentPrice: change.currentPrice,
      bidCount: change.bidCount,
      startsAt: "2026-01-01T00:00:00.000Z",
      endsAt: change.endsAt,
      version: change.version,
      reserveMet: change.reserveMet,
      leaderAlias: change.leaderAlias,
      nextMinimum: change.nextMinimum,
      ...(type === contract.BidPlacedV1.shape.type.value ? { placedAt: change.at } : {}),
      ...extra,
    };
    await publishEvent(type, data);
  }

  async function publishEvent(type: string, data: Record<string, unknown>, id = randomUUID()) {
    const envelope = { id, type, occurredAt: new Date().toISOString(), data };
    await bus.js.publish(bus.subject(type), JSON.stringify(envelope), { msgID: id });
  }

  return {
    calls,
    /** A lot with its first change (scheduled, version 1), published. */
    async createLot(opts: { publish?: boolean } = {}) {
      const lotId = randomUUID();
      const first: LotChange = {
        version: 1,
        kind: "OPENED",
        at: new Date().toISOString(),
        status: "OPEN",
        currentPrice: 100_000,
        nextMinimum: 110_000,
        bidCount: 0,
        endsAt: "2030-01-01T00:00:00.000Z",
        reserveMet: false,
        leaderAlias: null,
      };
      lots.set(lotId, [first]);
      if (opts.publish !== false) await publishLot(lotId, first, contract.LotOpenedV1.shape.type.value);
      return lotId;
    },
    /**
     * One accepted bid: the next version, stored (so the RPC has it), then published unless told
     * not to (`publish: false` = the bus has not carried it yet; `publishLater` publishes it afterwards).
     */
    async bid(lotId: string, opts: { publish?: boolean; bidderUserId?: string; type?: string } = {}) {
      const changes = lots.get(lotId)!;
      const prev = changes[changes.length - 1]!;
      const change: LotChange = {
        ...prev,
        version: prev.version + 1,
        kind: "BID",
        at: new Date().toISOString(),
        currentPrice: prev.nextMinimum,
        nextMinimum: prev.nextMinimum + 10_000,
        bidCount: prev.bidCount + 1,
        reserveMet: true,
        leaderAlias: `Bidder ${prev.bidCount + 1}`,
      };
      changes.push(change);
      if (opts.publish !== false)
        await publishLot(lotId, change, opts.type, {
          bidderUserId: opts.bidderUserId ?? randomUUID(),
          bidderAlias: change.leaderAlias,
          amount: change.currentPrice,
        });
      return change;
    },
    /** Publishes a stored change again (a redelivery, a late publish). */
    republish: (lotId: string, version: number) => publishLot(lotId, lots.get(lotId)![version - 1]!),
    async sell(lotId: string, winnerUserId: string) {
      const changes = lots.get(lotId)!;
      const prev = changes[changes.length - 1]!;
      const change: LotChange = { ...prev, version: prev.version + 1, kind: "SOLD", status: "SOLD" };
      changes.push(change);
      await publishLot(lotId, change, contract.LotSoldV1.shape.type.value, {
        winnerUserId,
        hammerPrice: change.currentPrice,
        premium: Math.ceil(change.currentPrice * 0.15),
      });
      return change;
    },
    async outbid(lotId: string, userId: string) {
      const prev = lots.get(lotId)!.at(-1)!;
      await publishEvent(contract.BidOutbidV1.shape.type.value, {
        lotId,
        artworkId: ARTWORK,
        userId,
        currentPrice: prev.currentPrice,
        nextMinimum: prev.nextMinimum,
        endsAt: prev.endsAt,
        version: prev.version,
      });
    },
    changes: (lotId: string) => lots.get(lotId)!,
    stop: () => sub.unsubscribe(),
  };
}
export type FakeAuction = ReturnType<typeof startFakeAuction>;

/** A gateway with the live feed, listening on a loopback port (WebSockets need a real socket). */
export async function startLiveGateway(opts: {
  keys: Keys;
  bus: Bus;
  env?: Record<string, string>;
  changes?: ChangeSource;
  instance?: string;
}) {
  const testRedis = createTestRedis();
  const config = parseConfig({
    NODE_ENV: "test",
    PORT: "0",
    AUTH_JWKS: JSON.stringify(opts.keys.jwks),
    REDIS_PREFIX: testRedis.prefix,
    INSTANCE_ID: opts.instance ?? `gw-${randomUUID().slice(0, 8)}`,
    ...opts.env,
  });
  const app = await buildGateway({
    config,
    log: testLogger("gateway"),
    redis: testRedis.redis,
    verifier: opts.keys.verifier,
    bus: opts.bus,
    ...(opts.changes ? { liveChanges: opts.changes } : {}),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    redis: testRedis.redis,
    config,
    url: `ws://127.0.0.1:${port}${live.LIVE_PATH}`,
    httpUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await testRedis.destroy();
    },
  };
}
export type LiveGateway = Awaited<ReturnType<typeof startLiveGateway>>;

export type Msg = Record<string, unknown> & { type: string };

/** A WebSocket client that records every message it gets. */
export async function connectClient(url: string, opts: { token?: string; waitWelcome?: boolean } = {}) {
  const ws = new WebSocket(opts.token ? `${url}?token=${encodeURIComponent(opts.token)}` : url);
  const messages: Msg[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on("message", (data) => messages.push(JSON.parse(data.toString()) as Msg));
  ws.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const client = {
    ws,
    messages,
    closed,
    send: (msg: unknown) => ws.send(JSON.stringify(msg)),
    /** The first recorded message matching `pred` (waiting for it). */
    waitFor: (pred: (m: Msg) => boolean, timeoutMs = 5_000) =>
      eventually(async () => messages.find(pred), timeoutMs, 10),
    /** Messages about one lot (snapshot and lot), in arrival order. */
    lot: (lotId: string) =>
      messages.filter((m) => (m.type === "lot" || m.type === "snapshot") && m.lotId === lotId),
    versions: (lotId: string) =>
      messages
        .filter((m) => (m.type === "lot" || m.type === "snapshot") && m.lotId === lotId)
        .map((m) => (m.type === "snapshot" ? `s${m.version}` : (m.version as number))),
    subscribe: (lots: { lotId: string; sinceVersion?: number }[]) => client.send({ type: "subscribe", lots }),
    close: () => {
      ws.close();
      return closed;
    },
  };
  if (opts.waitWelcome !== false) await client.waitFor((m) => m.type === "welcome" || m.type === "error");
  return client;
}
export type Client = Awaited<ReturnType<typeof connectClient>>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
