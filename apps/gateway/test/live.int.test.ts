import { AUCTION_STREAM } from "@arte/contracts";
import { createRevocationStore, createTokenSigner } from "@arte/platform";
import { createTestBus, createTestKeys, eventually } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Keys } from "./harness.js";
import {
  type Client,
  connectClient,
  type FakeAuction,
  type LiveGateway,
  sleep,
  startFakeAuction,
  startLiveGateway,
} from "./live-harness.js";

let keys: Keys;
let tbus: Awaited<ReturnType<typeof createTestBus>>;
let auction: FakeAuction;
let gw1: LiveGateway;
let gw2: LiveGateway;
const clients: Client[] = [];

const LIMITS = { LIVE_MAX_LOTS_PER_SOCKET: "3", LIVE_MAX_SOCKETS_PER_IP: "40", LIVE_CATCH_UP_MAX: "20" };

beforeAll(async () => {
  keys = await createTestKeys();
  tbus = await createTestBus([AUCTION_STREAM]);
  auction = startFakeAuction(tbus.bus);
  // Two gateway instances on one NATS, each with its own connection (as two processes would have).
  gw1 = await startLiveGateway({ keys, bus: tbus.bus, env: LIMITS, instance: "gw1" });
  gw2 = await startLiveGateway({ keys, bus: await tbus.connectAnother(), env: LIMITS, instance: "gw2" });
});
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await gw1?.close();
  await gw2?.close();
  auction?.stop();
  await tbus?.destroy();
});

async function client(gw: LiveGateway, opts: { token?: string } = {}) {
  const c = await connectClient(gw.url, opts);
  clients.push(c);
  return c;
}
const user = () => ({ sub: crypto.randomUUID(), role: "USER" as const, sid: crypto.randomUUID(), ev: true });

describe("live feed: lot changes", () => {
  it("sends a snapshot, then every change in version order to every watcher", async () => {
    const lotId = await auction.createLot();
    await auction.bid(lotId);
    const watchers = await Promise.all([client(gw1), client(gw1), client(gw1)]);
    for (const w of watchers) w.subscribe([{ lotId }]);
    for (const w of watchers) await w.waitFor((m) => m.type === "snapshot" && m.lotId === lotId);

    for (let i = 0; i < 5; i++) await auction.bid(lotId);
    for (const w of watchers) {
      await eventually(async () => w.lot(lotId).length === 6);
      expect(w.versions(lotId)).toEqual(["s2", 3, 4, 5, 6, 7]);
    }
    const [snap, first] = watchers[0]!.lot(lotId);
    expect(snap).toMatchObject({ type: "snapshot", lotId, version: 2, lot: { version: 2, bidCount: 1 } });
    expect(first).toMatchObject({
      type: "lot",
      lotId,
      version: 3,
      kind: "BID",
      status: "OPEN",
      currentPrice: 120_000,
      nextMinimum: 130_000,
      bidCount: 2,
      leaderAlias: "Bidder 2",
      reserveMet: true,
    });
    expect(first).toEqual({ type: "lot", lotId, ...auction.changes(lotId)[2] });
  });

  it("delivers through two gateway instances on one NATS (each tails the stream itself)", async () => {
    const lotId = await auction.createLot();
    const a = await client(gw1);
    const b = await client(gw2);
    a.subscribe([{ lotId }]);
    b.subscribe([{ lotId }]);
    await a.waitFor((m) => m.type === "snapshot");
    await b.waitFor((m) => m.type === "snapshot");
    for (let i = 0; i < 3; i++) await auction.bid(lotId);
    await eventually(async () => a.lot(lotId).length === 4 && b.lot(lotId).length === 4);
    expect(a.versions(lotId)).toEqual(["s1", 2, 3, 4]);
    expect(b.versions(lotId)).toEqual(["s1", 2, 3, 4]);
  });

  it("resumes after a reconnect to another instance with exactly the missed changes, then live ones", async () => {
    const lotId = await auction.createLot();
    const first = await client(gw1);
    first.subscribe([{ lotId }]);
    await first.waitFor((m) => m.type === "snapshot");
    await auction.bid(lotId);
    await auction.bid(lotId);
    await eventually(async () => first.lot(lotId).length === 3);
    const last = first.lot(lotId).at(-1)!.version as number; // 3
    await first.close();

    for (let i = 0; i < 4; i++) await auction.bid(lotId); // missed: 4..7
    // No sticky sessions: the client comes back on the other instance, which never saw it.
    const again = await client(gw2);
    again.subscribe([{ lotId, sinceVersion: last }]);
    await eventually(async () => again.lot(lotId).length === 4);
    for (let i = 0; i < 2; i++) await auction.bid(lotId); // live: 8, 9
    await eventually(async () => again.lot(lotId).length === 6);
    await sleep(100);
    expect(again.versions(lotId)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(again.lot(lotId).map((m) => m.currentPrice)).toEqual(
      auction
        .changes(lotId)
        .slice(3)
        .map((c) => c.currentPrice),
    );
  });

  it("resumes from the instance's recent changes, and gives a snapshot to a client too far behind", async () => {
    const lotId = await auction.createLot();
    const watcher = await client(gw1); // keeps the lot tracked on gw1
    watcher.subscribe([{ lotId }]);
    await watcher.waitFor((m) => m.type === "snapshot");
    for (let i = 0; i < 30; i++) await auction.bid(lotId); // versions 2..31
    await eventually(async () => watcher.lot(lotId).length === 31);

    const calls = auction.calls.length;
    const near = await client(gw1);
    near.subscribe([{ lotId, sinceVersion: 25 }]);
    await eventually(async () => near.lot(lotId).length === 6);
    expect(near.versions(lotId)).toEqual([26, 27, 28, 29, 30, 31]);
    expect(auction.calls.length).toBe(calls); // served from memory

    const far = await client(gw2); // catch-up limit is 20 changes in these tests
    far.subscribe([{ lotId, sinceVersion: 3 }]);
    await far.waitFor((m) => m.type === "snapshot");
    await auction.bid(lotId);
    await eventually(async () => far.lot(lotId).length === 2);
    expect(far.versions(lotId)).toEqual(["s31", 32]);
    expect(far.lot(lotId)[0]).toMatchObject({ lot: { version: 31, bidCount: 30 } });
  });

  it("drops duplicates and puts changes that arrive out of order back in order", async () => {
    const lotId = await auction.createLot();
    const w = await client(gw1);
    w.subscribe([{ lotId }]);
    await w.waitFor((m) => m.type === "snapshot");
    await auction.bid(lotId); // 2
    await auction.republish(lotId, 2); // a redelivery under another message id
    await auction.bid(lotId, { publish: false }); // 3: committed, not yet on the bus
    await auction.bid(lotId); // 4 arrives first: the gap is filled from the auction service
    await eventually(async () => w.lot(lotId).length === 4);
    await auction.republish(lotId, 3); // 3 arrives late: already delivered
    await auction.bid(lotId); // 5
    await eventually(async () => w.lot(lotId).length === 5);
    await sleep(100);
    expect(w.versions(lotId)).toEqual(["s1", 2, 3, 4, 5]);
  });

  it("refuses an unknown lot, a bad message, and lots over the per-socket limit", async () => {
    const w = await client(gw1);
    const unknown = crypto.randomUUID();
    w.subscribe([{ lotId: unknown }]);
    expect(await w.waitFor((m) => m.type === "error" && m.lotId === unknown)).toMatchObject({
      code: "LOT_NOT_FOUND",
    });
    w.ws.send("{not json");
    expect(await w.waitFor((m) => m.type === "error" && m.code === "BAD_MESSAGE")).toBeTruthy();
    w.send({ type: "subscribe", lots: [{ lotId: "not-a-uuid" }] });
    await eventually(async () => w.messages.filter((m) => m.code === "BAD_MESSAGE").length === 2);

    const lots = await Promise.all([1, 2, 3, 4].map(() => auction.createLot()));
    w.subscribe(lots.map((lotId) => ({ lotId })));
    const refused = await w.waitFor((m) => m.type === "error" && m.code === "TOO_MANY_LOTS");
    expect(refused.lotId).toBe(lots[3]);
    await eventually(async () => w.messages.filter((m) => m.type === "snapshot").length === 3);
    w.send({ type: "unsubscribe", lotIds: [lots[0]] });
    w.subscribe([{ lotId: lots[3]! }]);
    await w.waitFor((m) => m.type === "snapshot" && m.lotId === lots[3]);
    // Unsubscribed: no more changes of that lot.
    await auction.bid(lots[0]!);
    await auction.bid(lots[3]!);
    await w.waitFor((m) => m.type === "lot" && m.lotId === lots[3]);
    expect(w.lot(lots[0]!).filter((m) => m.type === "lot")).toHaveLength(0);
  });

  it("answers ping with the server's time", async () => {
    const w = await client(gw1);
    const before = Date.now();
    w.send({ type: "ping", id: "p1" });
    const pong = await w.waitFor((m) => m.type === "pong");
    expect(pong.id).toBe("p1");
    expect(pong.epochMs as number).toBeGreaterThanOrEqual(before);
    expect(pong.epochMs as number).toBeLessThanOrEqual(Date.now());
    expect(new Date(pong.serverTime as string).getTime()).toBe(pong.epochMs);
    expect(w.messages[0]).toMatchObject({ type: "welcome", authenticated: false });
  });
});

describe("live feed: identity and personal messages", () => {
  it("sends outbid, won and lost only to the sockets of the users concerned", async () => {
    const alice = user();
    const bob = user();
    const lotId = await auction.createLot();
    const a1 = await client(gw1, { token: await keys.signer.sign(alice) });
    const a2 = await client(gw2, { token: await keys.signer.sign(alice) });
    // Bob authenticates with a message instead of the query string.
    const b = await client(gw1);
    b.send({ type: "auth", token: await keys.signer.sign(bob) });
    await b.waitFor((m) => m.type === "authenticated");
    const anon = await client(gw2);
    expect(a1.messages[0]).toMatchObject({ type: "welcome", authenticated: true });
    for (const c of [a1, a2, b, anon]) c.subscribe([{ lotId }]);
    for (const c of [a1, a2, b, anon]) await c.waitFor((m) => m.type === "snapshot");

    await auction.bid(lotId, { bidderUserId: alice.sub });
    await auction.bid(lotId, { bidderUserId: bob.sub });
    await auction.outbid(lotId, alice.sub);
    for (const c of [a1, a2]) {
      expect(await c.waitFor((m) => m.type === "personal")).toMatchObject({
        kind: "outbid",
        lotId,
        version: 3,
        currentPrice: 120_000,
        nextMinimum: 130_000,
      });
    }
    await auction.sell(lotId, bob.sub);
    expect(await b.waitFor((m) => m.type === "personal")).toMatchObject({
      kind: "won",
      lotId,
      version: 4,
      hammerPrice: 120_000,
      premium: 18_000,
    });
    for (const c of [a1, a2]) {
      expect(await c.waitFor((m) => m.type === "personal" && m.kind === "lost")).toMatchObject({
        lotId,
        reason: "SOLD",
      });
    }
    for (const c of [a1, a2, b, anon]) await c.waitFor((m) => m.type === "lot" && m.status === "SOLD");
    await sleep(150);
    expect(anon.messages.filter((m) => m.type === "personal")).toHaveLength(0);
    expect(b.messages.filter((m) => m.type === "personal").map((m) => m.kind)).toEqual(["won"]);
    for (const c of [a1, a2])
      expect(c.messages.filter((m) => m.type === "personal").map((m) => m.kind)).toEqual(["outbid", "lost"]);
    // No user id ever reaches a socket.
    for (const c of [a1, a2, b, anon]) {
      const text = JSON.stringify(c.messages);
      expect(text).not.toContain(alice.sub);
      expect(text).not.toContain(bob.sub);
    }
  });

  it("refuses an invalid, expired or revoked token with 4401", async () => {
    const bad = await connectClient(gw1.url, { token: "abc.def.ghi" });
    expect(bad.messages[0]).toMatchObject({ type: "error", code: "TOKEN_INVALID" });
    expect(await bad.closed).toEqual({ code: 4401, reason: "TOKEN_INVALID" });

    const expiredSigner = await createTokenSigner({
      privateJwk: keys.privateJwk,
      issuer: keys.issuer,
      audience: keys.audience,
      ttlSeconds: -60,
    });
    const expired = await connectClient(gw1.url, { token: await expiredSigner.sign(user()) });
    expect(expired.messages[0]).toMatchObject({ type: "error", code: "TOKEN_EXPIRED" });
    expect((await expired.closed).code).toBe(4401);

    const claims = user();
    await createRevocationStore(gw1.redis, { accessTtlSeconds: 900 }).revoke([claims.sid]);
    const token = await keys.signer.sign(claims);
    const revoked = await connectClient(gw1.url, { token });
    expect(revoked.messages[0]).toMatchObject({ type: "error", code: "TOKEN_INVALID" });
    expect((await revoked.closed).code).toBe(4401);

    // The same by message: refused and closed; nothing personal ever reaches it.
    const byMessage = await client(gw1);
    byMessage.send({ type: "auth", token });
    expect(await byMessage.closed).toEqual({ code: 4401, reason: "TOKEN_INVALID" });
  });
});

describe("live feed: limits and the HTTP side", () => {
  it("closes sockets over the per-IP limit with 4429", async () => {
    const gw = await startLiveGateway({ keys, bus: tbus.bus, env: { LIVE_MAX_SOCKETS_PER_IP: "2" } });
    try {
      const a = await connectClient(gw.url);
      const b = await connectClient(gw.url);
      const c = await connectClient(gw.url, { waitWelcome: false });
      expect(await c.closed).toMatchObject({ code: 4429 });
      expect((await c.closed).reason).toMatch(/too many sockets/);
      await a.close();
      const d = await connectClient(gw.url); // a slot is free again
      expect(d.messages[0]).toMatchObject({ type: "welcome" });
      for (const x of [b, d]) x.ws.terminate();
    } finally {
      await gw.close();
    }
  });

  it("closes a socket that does not read (back-pressure) with 4408; others keep getting changes", async () => {
    const gw = await startLiveGateway({ keys, bus: tbus.bus, env: { LIVE_MAX_BUFFER_BYTES: "16384" } });
    try {
      const lotId = await auction.createLot();
      const slow = await connectClient(gw.url);
      const fast = await connectClient(gw.url);
      for (const c of [slow, fast]) {
        c.subscribe([{ lotId }]);
        await c.waitFor((m) => m.type === "snapshot");
      }
      // The slow client stops reading: the kernel buffers fill, then the gateway's send buffer.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      let code = 0;
      void slow.closed.then((c) => {
        code = c.code;
      });
      const closedAt = await eventually(
        async () => {
          await Promise.all(Array.from({ length: 200 }, () => auction.bid(lotId)));
          // The gateway is closing it (the close frame waits behind what the client has not read).
          const closing = [...gw.app.websocketServer.clients].some((c) => c.readyState === c.CLOSING);
          return closing && auction.changes(lotId).length;
        },
        60_000,
        0,
      );
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await eventually(async () => code !== 0, 10_000);
      expect(code).toBe(4408);
      const { reason } = await slow.closed;
      expect(reason).toMatch(/slow consumer/);
      await auction.bid(lotId);
      await eventually(async () => (fast.lot(lotId).at(-1)?.version as number) === closedAt + 1, 20_000);
      const versions = fast.lot(lotId).map((m) => m.version as number);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      fast.ws.terminate();
    } finally {
      await gw.close();
    }
  }, 90_000);

  it("answers GET /api/live without an upgrade with 426, keeps /api/time, and reports NATS in /readyz", async () => {
    const plain = await gw1.app.inject({ method: "GET", url: "/api/live" });
    expect(plain.statusCode).toBe(426);
    expect(plain.json()).toMatchObject({ code: "UPGRADE_REQUIRED" });
    const time = await gw1.app.inject({ method: "GET", url: "/api/time" });
    expect(time.json()).toMatchObject({ epochMs: expect.any(Number) });
    const ready = await gw1.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.json().checks).toMatchObject({ nats: { ok: true }, "live-feed": { ok: true } });
  });
});
