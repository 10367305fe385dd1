/**
 * The auction engine through the whole system (`npm start`'s launcher: two auction instances, two
 * gateway instances, every other service, a real SMTP server), with real bids:
 *
 * - live feed: watchers on both gateways see every change of a real lot in version order, a watcher
 *   that drops off and reconnects to the other gateway gets exactly the changes it missed, and the
 *   personal "outbid" goes only to the outbid bidder's socket;
 * - restart: every auction instance is frozen before a lot's end and killed after it; when the
 *   launcher has started them again, the lot is closed with the winner and price it had at its end, a
 *   bid retried across the outage is refused as LOT_ENDED, and the sale is paid exactly once.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, connectClient } from "../apps/gateway/test/live-harness.js";
import { type System, startSystem } from "./lib/system.js";
import { until } from "./lib/until.js";

let sys: System;
let adminToken: string;
const sockets: Client[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sys = await startSystem("live", { INSTANCES_AUCTION: "2", INSTANCES_GATEWAY: "2" });
  adminToken = await sys.tokenFor(await sys.adminCaller());
}, 200_000);

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await sys?.stop();
}, 60_000);

const gatewayWs = (i: number) => {
  const u = new URL(sys.gateway);
  u.port = String(Number(u.port) + i);
  u.protocol = "ws:";
  u.pathname = "/api/live";
  return u.toString();
};

async function watch(gateway: number, token?: string) {
  const c = await connectClient(gatewayWs(gateway), token ? { token } : {});
  sockets.push(c);
  return c;
}

let artworkSeq = 0;
async function artwork(): Promise<string> {
  const artist = await sys.request("POST", "/api/catalog/v1/admin/artists", {
    token: adminToken,
    json: {
      nameKo: `작가 ${sys.tag} ${artworkSeq}`,
      nameEn: `Artist ${sys.tag} ${artworkSeq}`,
      country: "KR",
    },
  });
  expect(artist.status, artist.text).toBe(201);
  const a = await sys.request("POST", "/api/catalog/v1/admin/artworks", {
    token: adminToken,
    json: {
      artistId: (artist.json as { id: string }).id,
      titleKo: `작품 ${sys.tag} ${artworkSeq}`,
      titleEn: `Work ${sys.tag} ${artworkSeq++}`,
      description: "캔버스에 유채. Oil on canvas.",
      country: "KR",
      completionDate: "2020-01",
      size: { widthCm: 60, heightCm: 50 },
      medium: "PAINTING",
      theme: "LANDSCAPE",
      style: "ABSTRACT",
      technique: "OIL",
      estimateLow: 100_000,
      estimateHigh: 500_000,
    },
  });
  expect(a.status, a.text).toBe(201);
  return (a.json as { id: string }).id;
}

async function lot(startInMs: number, lengthMs: number, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  const r = await sys.request("POST", "/api/auction/v1/admin/lots", {
    token: adminToken,
    json: {
      artworkId: await artwork(),
      startPrice: 100_000,
      startsAt: new Date(now + startInMs).toISOString(),
      endsAt: new Date(now + startInMs + lengthMs).toISOString(),
      softCloseSeconds: 0,
      ...extra,
    },
  });
  expect(r.status, r.text).toBe(201);
  const lotId = (r.json as { lotId: string }).lotId;
  await until(
    async () =>
      ((await sys.request("GET", `/api/auction/v1/lots/${lotId}`)).json as { status: string }).status ===
      "OPEN",
    "the lot to open",
  );
  return lotId;
}

/** A bidder signed up through the gateway with a funded demo bank account. */
async function bidder(name: string) {
  const who = await sys.signUp(`${name}${artworkSeq}`);
  const demo = await sys.request("POST", "/api/users/v1/me/bank-account/demo", {
    token: who.accessToken,
    json: { pin: "1357" },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(demo.status, demo.text).toBe(201);
  // The auction learns of the link from the USER stream.
  return who;
}

const bid = (lotId: string, token: string, body: object, key = randomUUID()) =>
  sys.request("POST", `/api/auction/v1/lots/${lotId}/bids`, {
    token,
    json: body,
    headers: { "idempotency-key": key },
  });

/** Bids until the auction has the bidder's bank link (it arrives by event). */
async function firstBid(lotId: string, token: string, body: object) {
  const key = randomUUID();
  return until(async () => {
    const r = await bid(lotId, token, body, key);
    if ((r.json as { code?: string }).code === "NO_LINKED_ACCOUNT") return false;
    return r;
  }, "the bank link to reach the auction");
}

describe("the auction engine through the whole system", () => {
  it("schedules lots only for artworks the catalogue has", async () => {
    const body = {
      artworkId: randomUUID(),
      startPrice: 100_000,
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      endsAt: new Date(Date.now() + 120_000).toISOString(),
    };
    const r = await sys.request("POST", "/api/auction/v1/admin/lots", { token: adminToken, json: body });
    expect(r.status, r.text).toBe(404);
    expect((r.json as { code: string }).code).toBe("ARTWORK_NOT_FOUND");
    const ok = await sys.request("POST", "/api/auction/v1/admin/lots", {
      token: adminToken,
      json: { ...body, artworkId: await artwork() },
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it("live feed: real bids reach watchers on both gateways in order; a reconnect resumes with no gap; outbid is personal", async () => {
    const [ann, ben] = await Promise.all([bidder("ann"), bidder("ben")]);
    const lotId = await lot(500, 120_000);

    const w0 = await watch(0);
    const w1 = await watch(1);
    const annSocket = await watch(1, ann.accessToken);
    const benSocket = await watch(0, ben.accessToken);
    for (const w of [w0, w1, annSocket, benSocket]) w.subscribe([{ lotId }]);
    for (const w of [w0, w1]) await w.waitFor((m) => m.type === "snapshot" && m.lotId === lotId);
    const v0 = w0.lot(lotId)[0]!.version as number;

    expect((await firstBid(lotId, ann.accessToken, { amount: 100_000 })).status).toBe(201);
    const benBid = await firstBid(lotId, ben.accessToken, { amount: 110_000 });
    expect(benBid.status, benBid.text).toBe(201);
    expect((benBid.json as { leading: boolean }).leading).toBe(true);

    // Both gateways deliver the same changes, in version order, with no gap.
    for (const w of [w0, w1]) {
      await until(async () => w.lot(lotId).at(-1)?.bidCount === 2, "two bids on the feed", 10_000);
      const versions = w.lot(lotId).map((m) => m.version as number);
      expect(versions).toEqual(versions.map((_, i) => v0 + i));
    }
    expect(w1.lot(lotId).slice(1)).toEqual(w0.lot(lotId).slice(1));
    const last = w0.lot(lotId).at(-1)!;
    expect(last).toMatchObject({ type: "lot", currentPrice: 110_000, bidCount: 2, status: "OPEN" });
    const lotNow = (await sys.request("GET", `/api/auction/v1/lots/${lotId}`)).json as Record<
      string,
      unknown
    >;
    expect(lotNow).toMatchObject({ currentPrice: 110_000, bidCount: 2, version: last.version });

    // Ann was outbid: her socket hears it, Ben's does not.
    await annSocket.waitFor((m) => m.type === "personal" && m.kind === "outbid" && m.lotId === lotId, 10_000);
    await sleep(300);
    expect(benSocket.messages.some((m) => m.type === "personal" && m.kind === "outbid")).toBe(false);

    // w1 drops off; two bids happen; it comes back on the other gateway from its last version.
    const seen = w1.lot(lotId).at(-1)!.version as number;
    await w1.close();
    expect((await bid(lotId, ann.accessToken, { amount: 130_000 })).status).toBe(201);
    expect((await bid(lotId, ben.accessToken, { amount: 150_000 })).status).toBe(201);
    const back = await watch(0);
    back.subscribe([{ lotId, sinceVersion: seen }]);
    await until(async () => back.lot(lotId).at(-1)?.bidCount === 4, "the missed changes", 10_000);
    expect(back.lot(lotId).map((m) => m.version)).toEqual([seen + 1, seen + 2]);
    expect(back.lot(lotId).every((m) => m.type === "lot")).toBe(true);
    // …and live ones after them.
    expect((await bid(lotId, ann.accessToken, { amount: 170_000 })).status).toBe(201);
    await until(async () => back.lot(lotId).at(-1)?.bidCount === 5, "a live change after the resume", 10_000);
    expect(back.lot(lotId).map((m) => m.version)).toEqual([seen + 1, seen + 2, seen + 3]);
    expect(back.lot(lotId).at(-1)).toMatchObject({ currentPrice: 170_000, leaderAlias: "Bidder 1" });
  }, 120_000);

  it("restart: every auction instance down across a lot's end → closed at start with the price it had, late bids refused, paid once", async () => {
    const [cat, dan] = await Promise.all([bidder("cat"), bidder("dan")]);
    const lotId = await lot(500, 12_000);
    expect((await firstBid(lotId, cat.accessToken, { amount: 100_000, maxAmount: 140_000 })).status).toBe(
      201,
    );
    const danBid = await firstBid(lotId, dan.accessToken, { amount: 120_000 });
    expect(danBid.status, danBid.text).toBe(201);
    expect((danBid.json as { leading: boolean }).leading).toBe(false); // Cat's maximum answers
    const before = (await sys.request("GET", `/api/auction/v1/lots/${lotId}`)).json as {
      endsAt: string;
      currentPrice: number;
      bidCount: number;
    };
    expect(before).toMatchObject({ currentPrice: 130_000, bidCount: 2 });

    // Freeze every auction instance before the end (no scheduler runs), and kill them after it.
    const auctions = sys.instances("auction");
    expect(auctions.map((p) => p.label)).toEqual(["auction#0", "auction#1"]);
    const endsAt = Date.parse(before.endsAt);
    await sleep(Math.max(0, endsAt - Date.now() - 2_000));
    for (const p of auctions) process.kill(p.pid, "SIGSTOP");
    await sleep(Math.max(0, endsAt - Date.now() + 1_500));
    for (const p of auctions) process.kill(p.pid, "SIGKILL");

    // A bid sent after the end, retried with its key until the service answers: refused.
    const lateKey = randomUUID();
    const late = await until(
      async () => {
        const r = await bid(lotId, dan.accessToken, { amount: 200_000 }, lateKey).catch(() => null);
        return r && r.status < 500 ? r : false;
      },
      "an auction instance to answer again",
      60_000,
    );
    expect(late.status, late.text).toBe(409);
    expect((late.json as { code: string }).code).toBe("LOT_ENDED");
    const restarted = sys.instances("auction");
    expect(restarted.map((p) => p.label)).toEqual(["auction#0", "auction#1"]);
    expect(restarted.some((p) => auctions.some((a) => a.pid === p.pid))).toBe(false);

    // Closed with what it had at its end: Cat wins at 130,000; no bid row after the end.
    const closed = await until(async () => {
      const r = (await sys.request("GET", `/api/auction/v1/lots/${lotId}`)).json as Record<string, unknown>;
      return r.status === "SOLD" ? r : false;
    }, "the lot to be closed as SOLD");
    expect(closed).toMatchObject({ currentPrice: 130_000, bidCount: 2 });
    const [row] = await sys.sql<{ hammer: number; winner: string; late: number; closed_ok: boolean }>(
      `select hammer_price::float8 as hammer, leader_user_id::text as winner,
              (select count(*)::int from auction.bid where lot_id = $1 and created_at >= l.ends_at) as late,
              closed_at >= ends_at as closed_ok
         from auction.lot l where id = $1`,
      [lotId],
    );
    expect(row).toEqual({ hammer: 130_000, winner: cat.userId, late: 0, closed_ok: true });

    // Paid exactly once, by the winner; Dan's hold released.
    const invoices = await until(
      async () => {
        const rows = await sys.sql<{ status: string; buyer: string; total: number }>(
          `select status, buyer_user_id::text as buyer, total::float8 as total from payment.invoice where lot_id = $1`,
          [lotId],
        );
        return rows.length === 1 && rows[0]!.status === "PAID" ? rows : false;
      },
      "the invoice to be paid",
      60_000,
    );
    expect(invoices[0]!.buyer).toBe(cat.userId);
    const danAccount = await until(async () => {
      const r = await sys.request("GET", "/api/users/v1/me/bank-account", { token: dan.accessToken });
      const b = r.json as { held: number } | null;
      return b && b.held === 0 ? b : false;
    }, "Dan's hold to be released");
    expect(danAccount.held).toBe(0);
  }, 150_000);
});
