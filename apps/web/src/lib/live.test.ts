import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, createLiveClient, type LiveDeps, type SocketLike, subscribeMessages } from "./live";

const A = "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a000a";
const B = "0b9a3a53-4c3c-4d4e-9a56-2f3d3c1a000b";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** The server side. */
  welcome(epochMs = 1_000_000) {
    this.readyState = 1;
    this.onopen?.({});
    this.push({
      type: "welcome",
      serverTime: new Date(epochMs).toISOString(),
      epochMs,
      authenticated: false,
    });
  }
  push(msg: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  ofType(type: string) {
    return this.sent.filter((m) => m.type === type);
  }
}

const change = (lotId: string, version: number) => ({
  type: "lot",
  lotId,
  version,
  kind: "BID",
  at: "2026-12-06T11:00:00.000Z",
  status: "OPEN",
  currentPrice: 100_000 + version,
  nextMinimum: 110_000 + version,
  bidCount: version,
  endsAt: "2026-12-06T12:00:00.000Z",
  reserveMet: true,
  leaderAlias: "Bidder 1",
});

let sockets: FakeSocket[];
let token: string | null;
let tokenListeners: Set<() => void>;
let client: ReturnType<typeof createLiveClient>;

function setup(over: Partial<LiveDeps> = {}) {
  client = createLiveClient({
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    token: () => token,
    refreshToken: async () => token,
    onTokenChange: (l) => {
      tokenListeners.add(l);
      return () => tokenListeners.delete(l);
    },
    random: () => 1,
    ...over,
  });
  return client;
}
const last = () => sockets[sockets.length - 1]!;

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  token = null;
  tokenListeners = new Set();
});
afterEach(() => {
  client?.stop();
  vi.useRealTimers();
});

describe("backoffDelay and subscribeMessages", () => {
  it("doubles the delay per attempt up to the cap, with jitter", () => {
    const t = { baseDelayMs: 500, maxDelayMs: 30_000 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, t, 1))).toEqual([500, 1000, 2000, 4000, 30_000]);
    expect(backoffDelay(2, t, 0)).toBe(1000);
  });

  it("asks for a snapshot of new lots and the changes after the last version of known ones", () => {
    expect(
      subscribeMessages([
        [A, undefined],
        [B, 7],
      ]),
    ).toEqual([{ type: "subscribe", lots: [{ lotId: A }, { lotId: B, sinceVersion: 7 }] }]);
    const many = Array.from({ length: 150 }, (_, i) => [`lot-${i}`, i] as [string, number]);
    expect(subscribeMessages(many).map((m) => (m as { lots: unknown[] }).lots.length)).toEqual([100, 50]);
  });
});

describe("the live client", () => {
  it("opens one socket for all watchers, subscribes per lot, and passes on newer versions only", () => {
    setup();
    const seenA: number[] = [];
    const seenA2: number[] = [];
    const offA = client.watchLot(A, (m) => seenA.push(m.version));
    client.watchLot(A, (m) => seenA2.push(m.version));
    client.watchLot(B, () => {});
    expect(sockets).toHaveLength(1);
    last().welcome();
    expect(client.isConnected()).toBe(true);
    expect(last().ofType("subscribe")).toEqual([{ type: "subscribe", lots: [{ lotId: A }, { lotId: B }] }]);

    last().push({ type: "snapshot", lotId: A, version: 3, lot: change(A, 3) });
    last().push(change(A, 4));
    last().push(change(A, 4)); // duplicate
    last().push(change(A, 2)); // older
    last().push(change(A, 5));
    expect(seenA).toEqual([3, 4, 5]);
    expect(seenA2).toEqual([3, 4, 5]);

    offA();
    expect(last().ofType("unsubscribe")).toHaveLength(0); // another watcher of A remains
  });

  it("reconnects with backoff and resubscribes with the last version, so nothing is missed", () => {
    setup();
    const seen: number[] = [];
    const states: boolean[] = [];
    client.onConnection((c) => states.push(c));
    client.watchLot(A, (m) => seen.push(m.version));
    last().welcome();
    last().push({ type: "snapshot", lotId: A, version: 3, lot: change(A, 3) });
    last().push(change(A, 4));

    last().drop(1012);
    expect(client.isConnected()).toBe(false);
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    // the second connect fails too: the delay doubles
    last().drop(1006);
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    last().welcome();
    expect(last().ofType("subscribe")).toEqual([
      { type: "subscribe", lots: [{ lotId: A, sinceVersion: 4 }] },
    ]);
    last().push(change(A, 5));
    last().push(change(A, 6));
    expect(seen).toEqual([3, 4, 5, 6]);
    expect(states).toEqual([true, false, true]);

    // healthy again: the next drop starts from the first delay
    last().drop(1001);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(4);
  });

  it("waits longer after 4429 (too many sockets)", () => {
    setup({ timing: { busyDelayMs: 60_000 } });
    client.watchLot(A, () => {});
    last().drop(4429);
    vi.advanceTimersByTime(59_999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
  });

  it("authenticates with the access token, re-sends a refreshed one, and goes anonymous on sign-out", () => {
    token = "t1";
    setup();
    const personal: string[] = [];
    client.onPersonal((m) => personal.push(`${m.kind}:${m.version}`));
    last().welcome();
    expect(last().sent[0]).toEqual({ type: "auth", token: "t1" });

    token = "t2";
    for (const l of tokenListeners) l();
    expect(last().ofType("auth")).toEqual([
      { type: "auth", token: "t1" },
      { type: "auth", token: "t2" },
    ]);

    const outbid = {
      type: "personal",
      kind: "outbid",
      lotId: A,
      version: 3,
      currentPrice: 120_000,
      nextMinimum: 130_000,
      endsAt: "2026-12-06T12:00:00.000Z",
    };
    last().push(outbid);
    last().push(outbid); // once only
    expect(personal).toEqual(["outbid:3"]);

    token = null;
    for (const l of tokenListeners) l();
    expect(sockets[0]!.closedWith).toBe(1000);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().ofType("auth")).toHaveLength(0);
  });

  it("gets a fresh token after 4401 before reconnecting", async () => {
    token = "old";
    const refreshToken = vi.fn(async () => {
      token = "new";
      return token;
    });
    setup({ refreshToken });
    client.onPersonal(() => {});
    last().welcome();
    last().drop(4401);
    await vi.advanceTimersByTimeAsync(0);
    expect(refreshToken).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(500);
    last().welcome();
    expect(last().ofType("auth")).toEqual([{ type: "auth", token: "new" }]);
  });

  it("takes clock readings from welcome and pong, and reconnects when pongs stop", () => {
    const clock: { serverMs: number; sentAt: number; receivedAt: number }[] = [];
    setup({ noteClock: (s) => clock.push(s), timing: { pingEveryMs: 1000, pongTimeoutMs: 500 } });
    client.watchLot(A, () => {});
    last().welcome(5_000_000);
    const ping = last().ofType("ping")[0] as { id: string };
    last().push({
      type: "pong",
      id: ping.id,
      serverTime: new Date(5_000_100).toISOString(),
      epochMs: 5_000_100,
    });
    expect(clock.map((c) => c.serverMs)).toEqual([5_000_000, 5_000_100]);

    // the next ping gets no answer: the socket is dropped and a new one opened
    vi.advanceTimersByTime(1000 + 500);
    expect(sockets[0]!.closedWith).toBe(1000);
    expect(client.isConnected()).toBe(false);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
  });

  it("asks again for a lot the gateway could not load, and closes when nobody watches", () => {
    setup({ timing: { resubscribeMs: 1000, idleCloseMs: 2000 } });
    const off = client.watchLot(A, () => {});
    last().welcome();
    last().push({ type: "error", code: "LOT_UNAVAILABLE", lotId: A, message: "later" });
    vi.advanceTimersByTime(1000);
    expect(last().ofType("subscribe")).toHaveLength(2);

    off();
    expect(last().ofType("unsubscribe")).toEqual([{ type: "unsubscribe", lotIds: [A] }]);
    vi.advanceTimersByTime(1999);
    expect(last().closedWith).toBeNull();
    vi.advanceTimersByTime(1);
    expect(last().closedWith).toBe(1000);
    expect(client.isConnected()).toBe(false);
  });
});
