import { randomUUID } from "node:crypto";
import { testLogger } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProjectionService, type LotEvent } from "../src/modules/projection/projection.service.js";
import { type Harness, lotScript, startHarness } from "./helpers.js";

// The projections are fed here by calling the consumers' service directly (the bus path is covered in
// events.int.test.ts): this file is about the HTTP surface — access, paging, filters and bad input.
let h: Harness;
const user = randomUUID();
const other = randomUUID();
const lots: ReturnType<typeof lotScript>[] = [];

beforeAll(async () => {
  h = await startHarness({ consumers: false });
  const projection = createProjectionService({ db: h.db, log: testLogger("history") });
  const apply = (ev: { id: string }) => projection.applyLotEvent("test", ev as LotEvent);
  // 25 lots the user bid on; on the first, 30 bids alternating with another bidder; a rejection each.
  for (let i = 0; i < 25; i++) {
    const lot = lotScript();
    lots.push(lot);
    await apply(lot.opened());
    const n = i === 0 ? 30 : 1;
    for (let k = 0; k < n; k++) {
      const mine = k % 2 === 0;
      await apply(
        lot.bid({
          userId: mine ? user : other,
          alias: mine ? "Bidder 1" : "Bidder 2",
          amount: 100_000 + k * 10_000,
        }),
      );
    }
    await projection.applyBidRejected("test", lot.rejected(other, 50_000, "BID_TOO_LOW") as never);
  }
  // Two lots of the user's won and lost.
  await apply(lots[1]!.closed());
  await apply(lots[1]!.sold(user));
  await apply(lots[2]!.bid({ userId: other, alias: "Bidder 2", amount: 900_000 }));
  await apply(lots[2]!.closed());
  await apply(lots[2]!.sold(other));
});
afterAll(async () => {
  await h?.close();
});

describe("access", () => {
  it("my bids need a signed-in user; the audit an admin", async () => {
    const mine = await h.get("/v1/me/bids");
    expect(mine.statusCode).toBe(401);
    expect(mine.json()).toMatchObject({ code: "UNAUTHENTICATED", error: { code: "UNAUTHENTICATED" } });
    expect(mine.headers["www-authenticate"]).toBe("Bearer");
    expect((await h.get("/v1/admin/bid-attempts")).statusCode).toBe(401);
    const asUser = await h.get("/v1/admin/bid-attempts", { userId: user });
    expect(asUser.statusCode).toBe(403);
    expect(asUser.json().code).toBe("FORBIDDEN");
    expect((await h.get("/v1/admin/bid-attempts", { role: "ADMIN" })).statusCode).toBe(200);
  });

  it("a bad token is refused even on the public history (never silently anonymous)", async () => {
    const url = `/v1/lots/${lots[0]!.lotId}/bids`;
    expect((await h.get(url)).statusCode).toBe(200);
    for (const header of ["Bearer nope", "Basic abc", `Bearer ${(await h.token(user)).slice(0, -4)}AAAA`]) {
      const res = await h.get(url, header);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("TOKEN_INVALID");
    }
    for (const header of ["Bearer nope"]) expect((await h.get("/v1/me/bids", header)).statusCode).toBe(401);
  });
});

describe("bad input gets a 4xx and a clear code", () => {
  const cases: [string, number, string][] = [
    ["/v1/lots/not-a-uuid/bids", 400, "VALIDATION_FAILED"],
    [`/v1/lots/${randomUUID()}/bids`, 404, "LOT_NOT_FOUND"],
    ["/v1/lots/LOT/bids?limit=0", 400, "VALIDATION_FAILED"],
    ["/v1/lots/LOT/bids?limit=101", 400, "VALIDATION_FAILED"],
    ["/v1/lots/LOT/bids?limit=abc", 400, "VALIDATION_FAILED"],
    ["/v1/lots/LOT/bids?cursor=%%%", 400, "CURSOR_INVALID"],
    [`/v1/lots/LOT/bids?cursor=${Buffer.from('{"v":-1}').toString("base64url")}`, 400, "CURSOR_INVALID"],
    ["/v1/lots/LOT/bids?userId=x", 400, "VALIDATION_FAILED"],
    ["/v1/me/bids?state=WINNING", 400, "VALIDATION_FAILED"],
    ["/v1/me/bids?cursor=abc", 400, "CURSOR_INVALID"],
    ["/v1/me/bids?limit=-1", 400, "VALIDATION_FAILED"],
    ["/v1/admin/bid-attempts?lotId=1", 400, "VALIDATION_FAILED"],
    ["/v1/admin/bid-attempts?outcome=MAYBE", 400, "VALIDATION_FAILED"],
    ["/v1/admin/bid-attempts?from=yesterday", 400, "VALIDATION_FAILED"],
    ["/v1/admin/bid-attempts?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", 400, "VALIDATION_FAILED"],
    ["/v1/admin/bid-attempts?cursor=e30", 400, "CURSOR_INVALID"],
    ["/v1/admin/bid-attempts?sort=amount", 400, "VALIDATION_FAILED"],
  ];
  it.each(cases)("%s → %i %s", async (url, status, code) => {
    const res = await h.get(url.replace("LOT", lots[0]!.lotId), { userId: user, role: "ADMIN" });
    expect(res.statusCode).toBe(status);
    expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ code, status, error: { code } });
    expect(typeof res.json().requestId).toBe("string");
  });
});

describe("paging and filters", () => {
  it("a lot's bids page newest first with no gaps or repeats", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.get(`/v1/lots/${lots[0]!.lotId}/bids?limit=7${cursor ? `&cursor=${cursor}` : ""}`, {
        userId: user,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as {
        items: { amount: number; you: boolean; alias: string }[];
        nextCursor: string | null;
      };
      for (const i of body.items) {
        expect(i.you).toBe(i.alias === "Bidder 1");
        seen.push(i.amount);
      }
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, k) => 100_000 + (29 - k) * 10_000));
  });

  it("my bids: one row per lot, most recent first, paged, filtered by state", async () => {
    const rows: { lotId: string; state: string; myBidCount: number; myHighestBid: number }[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.get(`/v1/me/bids?limit=10${cursor ? `&cursor=${cursor}` : ""}`, { userId: user });
      expect(res.statusCode).toBe(200);
      rows.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(rows).toHaveLength(25);
    expect(new Set(rows.map((r) => r.lotId)).size).toBe(25);
    // Lot 0 was bid on first, but its last bid is later than lots 1 … (which came after it): order by last bid.
    const first = rows.find((r) => r.lotId === lots[0]!.lotId)!;
    expect(first).toMatchObject({ myBidCount: 15, myHighestBid: 380_000, state: "OUTBID" });
    const byState = async (state: string) =>
      (await h.get(`/v1/me/bids?state=${state}&limit=100`, { userId: user }))
        .json()
        .items.map((r: { lotId: string }) => r.lotId);
    expect(await byState("WON")).toEqual([lots[1]!.lotId]);
    expect(await byState("LOST")).toEqual([lots[2]!.lotId]);
    expect(await byState("OUTBID")).toEqual([lots[0]!.lotId]);
    expect(await byState("LEADING")).toHaveLength(22);
    // Someone who never bid has nothing.
    expect((await h.get("/v1/me/bids", { userId: randomUUID() })).json()).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it("the audit filters by lot, user, outcome and time, and pages", async () => {
    const list = async (q: string) => {
      const out: {
        lotId: string;
        userId: string;
        outcome: string;
        code: string | null;
        alias: string | null;
        at: string;
      }[] = [];
      let cursor: string | null = null;
      do {
        const res = await h.get(`/v1/admin/bid-attempts?limit=9&${q}${cursor ? `&cursor=${cursor}` : ""}`, {
          role: "ADMIN",
        });
        expect(res.statusCode).toBe(200);
        out.push(...res.json().items);
        cursor = res.json().nextCursor;
      } while (cursor);
      return out;
    };
    const all = await list("");
    expect(all).toHaveLength(30 + 24 + 1 + 25);
    expect(new Set(all.map((a) => JSON.stringify(a))).size).toBe(all.length);
    const rejected = await list("outcome=REJECTED");
    expect(rejected).toHaveLength(25);
    expect(rejected.every((r) => r.code === "BID_TOO_LOW" && r.userId === other)).toBe(true);
    const lot0 = await list(`lotId=${lots[0]!.lotId}`);
    expect(lot0).toHaveLength(31);
    expect(lot0.filter((a) => a.userId === user).every((a) => a.alias === "Bidder 1")).toBe(true);
    expect(await list(`userId=${user}&outcome=ACCEPTED`)).toHaveLength(15 + 24);
    expect(await list(`lotId=${lots[0]!.lotId}&userId=${other}&outcome=REJECTED`)).toHaveLength(1);
    // Time range [from, to): the middle of the list.
    const sorted = all.map((a) => a.at).sort();
    const from = sorted[10]!;
    const to = sorted[20]!;
    const ranged = await list(`from=${from}&to=${to}`);
    expect(ranged.every((a) => a.at >= from && a.at < to)).toBe(true);
    expect(ranged.length).toBe(all.filter((a) => a.at >= from && a.at < to).length);
    expect(await list("from=2999-01-01T00:00:00Z")).toEqual([]);
  });
});
