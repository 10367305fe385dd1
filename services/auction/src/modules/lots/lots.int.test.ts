import { randomUUID } from "node:crypto";
import { auction } from "@arte/contracts";
import { callRpc } from "@arte/platform";
import { eventually } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startAuction } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startAuction({ run: { reconciler: false } });
});
afterAll(async () => {
  await h?.close();
});

const admin = () => ({ authorization: `Bearer ${h.adminToken}` });
const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();
const code = (res: { json(): unknown }) => (res.json() as { code: string }).code;

describe("lot administration", () => {
  it("creates a lot with the defaults (house seller, table, 180 s, 15 %) and announces it", async () => {
    const artworkId = randomUUID();
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/admin/lots",
      headers: admin(),
      payload: {
        artworkId,
        startPrice: 500_000,
        reservePrice: 800_000,
        startsAt: inFuture(60_000),
        endsAt: inFuture(3_600_000),
      },
    });
    expect(res.statusCode).toBe(201);
    const lot = res.json() as auction.AdminLot;
    expect(lot).toMatchObject({
      artworkId,
      status: "SCHEDULED",
      sellerAccountId: "00000000-0000-4000-8000-000000000001",
      reservePrice: 800_000,
      currentPrice: 500_000,
      premiumBps: 1500,
      softCloseSeconds: 180,
      version: 1,
    });
    expect(lot.increments[0]).toEqual({ upTo: 1_000_000, step: 10_000 });
    const again = await h.app.inject({
      method: "POST",
      url: "/v1/admin/lots",
      headers: admin(),
      payload: { artworkId, startPrice: 500_000, startsAt: inFuture(60_000), endsAt: inFuture(3_600_000) },
    });
    expect([again.statusCode, code(again)]).toEqual([409, "ARTWORK_ALREADY_LISTED"]);
    const outbox = await h.db
      .selectFrom("outbox")
      .select("subject")
      .where("payload", "@>", JSON.stringify({ data: { lotId: lot.lotId } }) as never)
      .execute();
    expect(outbox.map((o) => o.subject)).toEqual(["auction.lot.scheduled.v1"]);
  });

  it.each([
    [{ startsAt: new Date(Date.now() - 60_000).toISOString() }, 400, "INVALID_LOT"],
    [{ endsAt: inFuture(30_000) }, 400, "INVALID_LOT"],
    [{ reservePrice: 50_000 }, 400, "INVALID_LOT"],
    [{ buyNowPrice: 100_000 }, 400, "INVALID_LOT"],
    [{ reservePrice: 300_000, buyNowPrice: 200_000 }, 400, "INVALID_LOT"],
    [{ increments: [{ upTo: 1000, step: 10 }] }, 400, "INVALID_LOT"],
    [{ startPrice: 0 }, 400, "VALIDATION_FAILED"],
    [{ startPrice: 10.5 }, 400, "VALIDATION_FAILED"],
    [{ startPrice: "100000" }, 400, "VALIDATION_FAILED"],
    [{ premiumBps: 20_000 }, 400, "VALIDATION_FAILED"],
    [{ status: "OPEN" }, 400, "VALIDATION_FAILED"],
  ])("refuses %j", async (patch, status, want) => {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/admin/lots",
      headers: admin(),
      payload: {
        artworkId: randomUUID(),
        startPrice: 100_000,
        startsAt: inFuture(60_000),
        endsAt: inFuture(120_000),
        ...patch,
      },
    });
    expect([res.statusCode, code(res)]).toEqual([status, want]);
  });

  it("is for admins only", async () => {
    const user = await h.token(randomUUID());
    const body = {
      artworkId: randomUUID(),
      startPrice: 100_000,
      startsAt: inFuture(60_000),
      endsAt: inFuture(120_000),
    };
    const anon = await h.app.inject({ method: "POST", url: "/v1/admin/lots", payload: body });
    const asUser = await h.app.inject({
      method: "POST",
      url: "/v1/admin/lots",
      headers: { authorization: `Bearer ${user}` },
      payload: body,
    });
    expect([anon.statusCode, asUser.statusCode]).toEqual([401, 403]);
  });

  it("schedules only artworks the catalogue has and has not archived; nothing is written otherwise", async () => {
    const create = (artworkId: string) =>
      h.app.inject({
        method: "POST",
        url: "/v1/admin/lots",
        headers: admin(),
        payload: { artworkId, startPrice: 100_000, startsAt: inFuture(60_000), endsAt: inFuture(120_000) },
      });
    const missing = randomUUID();
    const archived = randomUUID();
    h.artworkFacts.missing.add(missing);
    h.artworkFacts.archived.add(archived);
    const before = await h.db
      .selectFrom("lot")
      .select(h.db.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const notFound = await create(missing);
    expect([notFound.statusCode, code(notFound)]).toEqual([404, "ARTWORK_NOT_FOUND"]);
    const gone = await create(archived);
    expect([gone.statusCode, code(gone)]).toEqual([409, "ARTWORK_ARCHIVED"]);
    // The catalogue does not answer in time: 503, nothing scheduled (the admin may simply retry).
    h.artworkFacts.down = true;
    try {
      const down = await create(randomUUID());
      expect([down.statusCode, code(down)]).toEqual([503, "CATALOG_UNAVAILABLE"]);
    } finally {
      h.artworkFacts.down = false;
    }
    const after = await h.db
      .selectFrom("lot")
      .select(h.db.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await create(randomUUID())).statusCode).toBe(201);
  });

  it("edits only before the start", async () => {
    const lot = await h.createLot({ startsInMs: 60_000 });
    const res = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/lots/${lot.lotId}`,
      headers: admin(),
      payload: { startPrice: 200_000, buyNowPrice: 900_000, softCloseSeconds: 60 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      startPrice: 200_000,
      currentPrice: 200_000,
      buyNowPrice: 900_000,
      version: 2,
    });
    const bad = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/lots/${lot.lotId}`,
      headers: admin(),
      payload: { reservePrice: 1 },
    });
    expect(code(bad)).toBe("INVALID_LOT");
    const open = await h.openLot();
    const late = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/lots/${open.lotId}`,
      headers: admin(),
      payload: { startPrice: 1000 },
    });
    expect([late.statusCode, code(late)]).toEqual([409, "LOT_ALREADY_STARTED"]);
    const missing = await h.app.inject({
      method: "PATCH",
      url: `/v1/admin/lots/${randomUUID()}`,
      headers: admin(),
      payload: { startPrice: 1000 },
    });
    expect(code(missing)).toBe("LOT_NOT_FOUND");
  });

  it("cancels only before the first bid", async () => {
    const cancel = (lotId: string) =>
      h.app.inject({
        method: "POST",
        url: `/v1/admin/lots/${lotId}/cancel`,
        headers: admin(),
        payload: { reason: "withdrawn by the consignor" },
      });
    const open = await h.openLot();
    const ok = await cancel(open.lotId);
    expect(ok.json()).toMatchObject({ status: "CANCELLED", cancelReason: "withdrawn by the consignor" });
    expect(code(await cancel(open.lotId))).toBe("LOT_NOT_CANCELLABLE");
    const bidOn = await h.openLot();
    const a = await h.bidder();
    await h.bid(bidOn.lotId, a.token, { amount: 100_000 });
    const refused = await cancel(bidOn.lotId);
    expect([refused.statusCode, code(refused)]).toEqual([409, "LOT_HAS_BIDS"]);
  });
});

describe("public views", () => {
  it("never show the reserve amount or a user id; the caller's own standing is marked", async () => {
    const seller = randomUUID();
    const lot = await h.openLot({ body: { reservePrice: 345_000, sellerUserId: seller } });
    const a = await h.bidder();
    const b = await h.bidder();
    await h.bid(lot.lotId, a.token, { amount: 100_000, maxAmount: 300_000 });
    await h.bid(lot.lotId, b.token, { amount: 150_000 });
    const anon = await h.app.inject({ method: "GET", url: `/v1/lots/${lot.lotId}` });
    expect(anon.statusCode).toBe(200);
    expect(anon.json()).not.toHaveProperty("reservePrice");
    for (const secret of [a.userId, b.userId, seller, "345000", "400000"])
      expect(anon.body).not.toContain(secret);
    expect(anon.json()).toMatchObject({
      hasReserve: true,
      reserveMet: false,
      currentPrice: 160_000,
      leader: { alias: "Bidder 1", you: false },
      you: null,
      bidCount: 2,
    });
    const asA = (
      await h.app.inject({
        method: "GET",
        url: `/v1/lots/${lot.lotId}`,
        headers: { authorization: `Bearer ${a.token}` },
      })
    ).json();
    expect(asA).toMatchObject({
      leader: { alias: "Bidder 1", you: true },
      you: { alias: "Bidder 1", leading: true, yourMaximum: 300_000, bidCount: 1 },
    });
    const asB = (
      await h.app.inject({
        method: "GET",
        url: `/v1/lots/${lot.lotId}`,
        headers: { authorization: `Bearer ${b.token}` },
      })
    ).json();
    expect(asB).toMatchObject({
      leader: { you: false },
      you: { alias: "Bidder 2", leading: false, yourMaximum: null },
    });
    const list = await h.app.inject({ method: "GET", url: "/v1/lots?status=OPEN&limit=100" });
    for (const secret of [a.userId, b.userId, seller, "345000"]) expect(list.body).not.toContain(secret);
    expect(code(await h.app.inject({ method: "GET", url: `/v1/lots/${randomUUID()}` }))).toBe(
      "LOT_NOT_FOUND",
    );
  });

  it("lists by status, soonest first, in pages", async () => {
    const created: { lotId: string }[] = [];
    for (let i = 0; i < 5; i++) created.push(await h.createLot({ startsInMs: 3_600_000 + i * 1000 }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/lots?status=SCHEDULED&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await h.app.inject({ method: "GET", url })).json() as {
        items: auction.PublicLot[];
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) {
        expect(item.status).toBe("SCHEDULED");
        seen.push(item.lotId);
      }
      cursor = page.nextCursor;
    } while (cursor);
    const mine = seen.filter((id) => created.some((c) => c.lotId === id));
    expect(mine).toEqual(created.map((c) => c.lotId));
    expect(new Set(seen).size).toBe(seen.length);
    expect(code(await h.app.inject({ method: "GET", url: "/v1/lots?cursor=nonsense" }))).toBe(
      "CURSOR_INVALID",
    );
    expect(code(await h.app.inject({ method: "GET", url: "/v1/lots?status=LIVE" }))).toBe(
      "VALIDATION_FAILED",
    );
  });

  it("the change feed: snapshot + tail, over HTTP and over NATS", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    const b = await h.bidder();
    // The scheduler opens it (a first bid on a lot still SCHEDULED would add an OPENED change).
    await eventually(async () => (await h.lotRow(lot.lotId)).status === "OPEN");
    const snap = (
      await h.app.inject({ method: "GET", url: `/v1/lots/${lot.lotId}` })
    ).json() as auction.PublicLot;
    await h.bid(lot.lotId, a.token, { amount: 100_000 });
    await h.bid(lot.lotId, b.token, { amount: 110_000 });
    const tail = (
      await h.app.inject({ method: "GET", url: `/v1/lots/${lot.lotId}/changes?sinceVersion=${snap.version}` })
    ).json() as auction.LotChanges;
    expect(tail.changes.map((c) => [c.kind, c.currentPrice, c.leaderAlias])).toEqual([
      ["BID", 100_000, "Bidder 1"],
      ["BID", 110_000, "Bidder 2"],
    ]);
    expect(tail.version).toBe(snap.version + 2);
    expect(JSON.stringify(tail)).not.toContain(a.userId);
    const rpc = await callRpc(h.bus, auction.LotChangesRpc, {
      lotId: lot.lotId,
      sinceVersion: snap.version + 1,
    });
    expect(rpc.changes.map((c) => c.version)).toEqual([snap.version + 2]);
  });
});
