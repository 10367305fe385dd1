/**
 * Live feed fan-out: 5,000 WebSocket watchers of one lot on a gateway running in this process (its
 * real live feed: own tail of the AUCTION stream on the local NATS → hub → sockets), N lot changes
 * published to the stream like the auction service's relay, each stamped with its send time; every
 * watcher's delivery latency is measured. Same-run baselines: the same watchers on a bare `ws` server
 * broadcasting the same frames (no NATS, no gateway), and one watcher through the gateway (the NATS hop).
 * The watchers run in a worker thread (the other core), so the gateway's event loop is not theirs.
 * Loopback only; every phase is bounded in time.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { AUCTION_STREAM, type auction, auction as contract } from "@arte/contracts";
import { createTestBus, createTestKeys, createTestRedis, testLogger } from "@arte/testing";
import { WebSocketServer } from "ws";
import { buildGateway } from "../apps/gateway/src/app.js";
import { parseConfig } from "../apps/gateway/src/config.js";
import { quantile, round } from "./lib/load.js";
import type { Bench, Figure } from "./lib/types.js";

const WATCHERS = Number(process.env.LIVE_BENCH_WATCHERS ?? 5_000);
const CHANGES = 100;
const INTERVAL_MS = 50;
const GOAL_P99_MS = 200;
const ARTWORK = "00000000-0000-4000-8000-000000000001";

/** The watchers (CommonJS, run as a worker): connect, subscribe, time every `lot` message. */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const WebSocket = require(workerData.wsPath);
let sockets = [];
let latencies = [];
let got = new Map();
let errors = 0;
async function connect({ url, n, lotId }) {
  sockets = []; latencies = []; got = new Map(); errors = 0;
  let next = 0;
  const one = () => new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const t = setTimeout(() => { errors++; ws.terminate(); resolve(); }, 20000);
    ws.on("error", () => {});
    ws.on("close", (code) => { if (code !== 1000 && code !== 1005 && code !== 1012) errors++; });
    ws.on("open", () => ws.send(JSON.stringify({ type: "subscribe", lots: [{ lotId }] })));
    ws.on("message", (data) => {
      const now = Date.now();
      const m = JSON.parse(data.toString());
      if (m.type === "snapshot") { clearTimeout(t); sockets.push(ws); resolve(); return; }
      if (m.type === "lot") {
        latencies.push(now - Date.parse(m.at));
        got.set(ws, m.version);
      }
    });
  });
  await Promise.all(Array.from({ length: 200 }, async () => { while (next++ < n) await one(); }));
  parentPort.postMessage({ type: "ready", connected: sockets.length, errors });
}
async function collect({ version, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && sockets.some((ws) => (got.get(ws) ?? 0) < version)) await new Promise((r) => setTimeout(r, 20));
  const complete = sockets.filter((ws) => got.get(ws) === version).length;
  const out = Float64Array.from(latencies);
  parentPort.postMessage({ type: "collected", latencies: out, complete, errors }, [out.buffer]);
}
async function close() {
  const closing = sockets.map((ws) => new Promise((r) => { ws.once("close", r); ws.close(); setTimeout(() => { ws.terminate(); r(); }, 3000); }));
  await Promise.all(closing);
  sockets = [];
  parentPort.postMessage({ type: "closed" });
}
parentPort.on("message", (m) => {
  if (m.cmd === "connect") connect(m);
  else if (m.cmd === "collect") collect(m);
  else if (m.cmd === "close") close();
});
`;

type Reply = {
  type: string;
  connected?: number;
  errors?: number;
  latencies?: Float64Array;
  complete?: number;
};

function startWatchers() {
  const wsPath = createRequire(import.meta.url).resolve("ws");
  const worker = new Worker(WORKER, { eval: true, workerData: { wsPath } });
  const ask = (msg: Record<string, unknown>, expect: string, timeoutMs: number) =>
    new Promise<Reply>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`watchers: no ${expect} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const on = (r: Reply) => {
        if (r.type !== expect) return;
        clearTimeout(t);
        worker.off("message", on);
        resolve(r);
      };
      worker.on("message", on);
      worker.postMessage(msg);
    });
  return {
    connect: (url: string, n: number, lotId: string) =>
      ask({ cmd: "connect", url, n, lotId }, "ready", 120_000),
    collect: (version: number) => ask({ cmd: "collect", version, timeoutMs: 15_000 }, "collected", 30_000),
    close: () => ask({ cmd: "close" }, "closed", 30_000),
    terminate: () => worker.terminate(),
  };
}

/** A lot's change history, as the auction service keeps it (the gateway's catch-up source). */
function lotHistory() {
  const lotId = randomUUID();
  const changes: auction.LotChange[] = [
    {
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
    },
  ];
  return {
    lotId,
    changes,
    next(): auction.LotChange {
      const prev = changes[changes.length - 1]!;
      const c: auction.LotChange = {
        ...prev,
        version: prev.version + 1,
        kind: "BID",
        at: new Date().toISOString(),
        currentPrice: prev.nextMinimum,
        nextMinimum: prev.nextMinimum + 10_000,
        bidCount: prev.bidCount + 1,
        leaderAlias: `Bidder ${(prev.bidCount % 40) + 1}`,
        reserveMet: true,
      };
      changes.push(c);
      return c;
    },
  };
}
type History = ReturnType<typeof lotHistory>;

/** The soft limit of open files of this process (each watcher costs two: client and server side). */
function openFilesLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === "unlimited" ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

const summary = (lat: Float64Array | undefined) => {
  const xs = Array.from(lat ?? []);
  return { n: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: quantile(xs, 1) };
};

const bench: Bench = {
  name: "live-feed",
  async run() {
    const notes: string[] = [];
    const tbus = await createTestBus([AUCTION_STREAM]);
    const redis = createTestRedis();
    const keys = await createTestKeys();
    const fdLimit = openFilesLimit();
    const watchersN = Math.min(WATCHERS, Math.floor((fdLimit - 300) / 2));
    if (watchersN < WATCHERS)
      notes.push(`open-files limit ${fdLimit}: only ${watchersN} watchers (raise it with ulimit -n)`);
    const histories = new Map<string, History>();
    const newLot = () => {
      const h = lotHistory();
      histories.set(h.lotId, h);
      return h;
    };
    const config = parseConfig({
      NODE_ENV: "production",
      PORT: "0",
      AUTH_JWKS: JSON.stringify(keys.jwks),
      REDIS_PREFIX: redis.prefix,
      LIVE_MAX_SOCKETS_PER_IP: String(watchersN + 10),
      RATE_LIMIT_DEFAULT: String(watchersN * 4),
      LOG_LEVEL: "warn",
    });
    const gateway = await buildGateway({
      config,
      log: testLogger("gateway"),
      redis: redis.redis,
      verifier: keys.verifier,
      bus: tbus.bus,
      liveChanges: async (id, since, limit) => {
        const changes = histories.get(id)?.changes ?? [];
        return {
          lotId: id,
          version: changes.length,
          changes: changes.filter((c) => c.version > since).slice(0, limit),
        };
      },
    });
    await gateway.listen({ host: "127.0.0.1", port: 0 });
    const gwUrl = `ws://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/api/live`;

    // The baseline server: a bare ws broadcast of the same frames.
    const raw = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
    await new Promise<void>((r) => raw.once("listening", () => r()));
    let rawLot: History | null = null;
    raw.on("connection", (ws) =>
      ws.on("message", () => {
        const last = rawLot!.changes[rawLot!.changes.length - 1]!;
        ws.send(JSON.stringify({ type: "snapshot", lotId: rawLot!.lotId, version: last.version, lot: last }));
      }),
    );
    const rawUrl = `ws://127.0.0.1:${(raw.address() as AddressInfo).port}`;

    const watchers = startWatchers();
    const publishChange = async (history: History) => {
      const { lotId } = history;
      const c = history.next();
      const type = contract.BidPlacedV1.shape.type.value;
      const id = randomUUID();
      const data = {
        lotId,
        artworkId: ARTWORK,
        status: c.status,
        currentPrice: c.currentPrice,
        bidCount: c.bidCount,
        startsAt: "2026-01-01T00:00:00.000Z",
        endsAt: c.endsAt,
        version: c.version,
        reserveMet: c.reserveMet,
        leaderAlias: c.leaderAlias,
        nextMinimum: c.nextMinimum,
        placedAt: c.at, // the send time: watchers measure against it
        bidderUserId: randomUUID(),
      };
      await tbus.bus.js.publish(
        tbus.bus.subject(type),
        JSON.stringify({ id, type, occurredAt: c.at, data }),
        { msgID: id },
      );
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    async function throughGateway(n: number) {
      const history = newLot();
      const ready = await watchers.connect(gwUrl, n, history.lotId);
      if (ready.connected !== n) notes.push(`gateway, ${n} watchers: only ${ready.connected} subscribed`);
      const started = Date.now();
      for (let i = 0; i < CHANGES; i++) {
        await publishChange(history);
        await sleep(INTERVAL_MS);
      }
      const got = await watchers.collect(history.changes.length);
      const seconds = (Date.now() - started) / 1000;
      await watchers.close();
      return {
        ...summary(got.latencies),
        complete: got.complete ?? 0,
        connected: ready.connected ?? 0,
        seconds,
      };
    }

    async function rawBroadcast(n: number) {
      const history = newLot();
      rawLot = history;
      const { lotId } = history;
      const ready = await watchers.connect(rawUrl, n, lotId);
      for (let i = 0; i < CHANGES; i++) {
        const c = history.next();
        const frame = Buffer.from(JSON.stringify({ type: "lot", lotId, ...c }));
        for (const ws of raw.clients) ws.send(frame, { binary: false });
        await sleep(INTERVAL_MS);
      }
      const got = await watchers.collect(history.changes.length);
      await watchers.close();
      return { ...summary(got.latencies), complete: got.complete ?? 0, connected: ready.connected ?? 0 };
    }

    try {
      const one = await throughGateway(1);
      const all = await throughGateway(watchersN);
      const rawAll = await rawBroadcast(watchersN);
      const figures: Figure[] = [
        {
          name: `${watchersN} watchers: p50 delivery latency`,
          value: round(all.p50, 1),
          unit: "ms",
          baseline: {
            name: `bare ws broadcast to ${watchersN}, p50`,
            value: round(rawAll.p50, 1),
            unit: "ms",
          },
        },
        {
          name: `${watchersN} watchers: p99 delivery latency`,
          value: round(all.p99, 1),
          unit: "ms",
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          met: all.p99 <= GOAL_P99_MS && all.complete === watchersN,
          baseline: {
            name: `bare ws broadcast to ${watchersN}, p99`,
            value: round(rawAll.p99, 1),
            unit: "ms",
          },
        },
        {
          name: `${watchersN} watchers: max delivery latency`,
          value: round(all.max, 1),
          unit: "ms",
          baseline: { name: "bare ws broadcast, max", value: round(rawAll.max, 1), unit: "ms" },
        },
        {
          name: "1 watcher through the gateway (NATS hop): p99",
          value: round(one.p99, 1),
          unit: "ms",
          baseline: { name: "1 watcher, p50", value: round(one.p50, 1), unit: "ms" },
        },
        {
          name: `messages delivered (of ${watchersN} × ${CHANGES})`,
          value: all.n,
          unit: "messages",
          baseline: { name: "bare ws broadcast", value: rawAll.n, unit: "messages" },
        },
        {
          name: "watchers that got the last change",
          value: all.complete,
          unit: "watchers",
          baseline: { name: "subscribed", value: all.connected, unit: "watchers" },
        },
      ];
      return {
        name: "live-feed",
        description: `${watchersN} WebSocket watchers of one lot on the gateway's live feed (in process, loopback), ${CHANGES} bid events published to the AUCTION stream every ${INTERVAL_MS} ms, latency = receive time − send time stamped in the event, over every (watcher, change). Baseline: the same watchers (same worker thread) on a bare ws server broadcasting the same frames at the same pace.`,
        figures,
        notes: [
          ...notes,
          `Clients run in one worker thread of this process (2 cores on this machine): their own JSON parsing shares the CPU with the gateway, so figures are pessimistic for the server.`,
          `Load average at the end: ${loadavg()
            .map((n) => n.toFixed(2))
            .join(" / ")} (the machine is shared: compare with the baseline, not across runs).`,
          `File descriptors: each watcher costs two (client and server side); the soft limit must exceed ${2 * watchersN + 200}.`,
        ],
      };
    } finally {
      await watchers.terminate();
      await new Promise<void>((r) => raw.close(() => r()));
      await gateway.close();
      await redis.destroy();
      await tbus.destroy();
    }
  },
};
export default bench;
