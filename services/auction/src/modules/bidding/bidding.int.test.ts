import { randomUUID } from "node:crypto";
import { type auction, USER_STREAM, users } from "@arte/contracts";
import { eventually } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startAuction } from "../../../test/harness.js";
import { BankAccountLinkedV1, BankAccountUnlinkedV1 } from "../../consumers/consumers.js";

let h: Harness;
beforeAll(async () => {
  h = await startAuction();
});
afterAll(async () => {
  await h?.close();
});

const code = (res: { json(): unknown }) => (res.json() as { code: string }).code;

describe("placing a bid", () => {
  it("accepts a first bid at the start price and holds amount × (1 + premium) at the bank", async () => {
    const lot = await h.openLot();
    const b = await h.bidder();
    const res = await h.bid(lot.lotId, b.token, { amount: 100_000 });
    expect(res.statusCode).toBe(201);
    const body = res.json() as auction.BidAccepted;
    expect(body).toMatchObject({
      leading: true,
      price: 100_000,
      yourMaximum: 100_000,
      extended: false,
      alias: "Bidder 1",
      nextMinimum: 110_000,
      status: "OPEN",
    });
    const holds = await h.bankHolds(b.accountId);
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ amount: 115_000, status: "PENDING" });
    expect(holds[0]!.reference).toMatch(new RegExp(`^lot:${lot.lotId}:bidder:${b.userId}:\\d+$`));
    const bids = await h.db.selectFrom("bid").selectAll().where("lot_id", "=", lot.lotId).execute();
    expect(bids).toHaveLength(1);
    expect(bids[0]!.id).toBe(body.bidId);
  });

  it("outbids: the previous leader's hold is released through the outbox, the new one stays", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    const b = await h.bidder();
    expect((await h.bid(lot.lotId, a.token, { amount: 100_000 })).statusCode).toBe(201);
    const res = await h.bid(lot.lotId, b.token, { amount: 110_000 });
    expect(res.json()).toMatchObject({ leading: true, price: 110_000, alias: "Bidder 2" });
    await h.drained();
    expect((await h.bankHolds(a.accountId)).map((x) => x.status)).toEqual(["RELEASED"]);
    expect((await h.bankHolds(b.accountId)).map((x) => x.status)).toEqual(["PENDING"]);
    expect((await h.balance(a.accountId)).held).toBe(0);
    expect((await h.balance(b.accountId)).held).toBe(126_500);
  });

  it("proxy: a maximum answers a lower bid at once (accepted, not leading) and its hold is released", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    const b = await h.bidder();
    await h.bid(lot.lotId, a.token, { amount: 100_000, maxAmount: 500_000 });
    const res = await h.bid(lot.lotId, b.token, { amount: 300_000 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ leading: false, price: 310_000, yourMaximum: null });
    // equal maximum: the earlier bidder keeps the lead at that maximum
    const tie = await h.bid(lot.lotId, b.token, { amount: 320_000, maxAmount: 500_000 });
    expect(tie.json()).toMatchObject({ leading: false, price: 500_000 });
    await h.drained();
    expect((await h.bankHolds(b.accountId)).every((x) => x.status === "RELEASED")).toBe(true);
    expect((await h.balance(a.accountId)).held).toBe(575_000);
  });

  it("a leader may raise the maximum (new hold, then the old one released), not bid again without", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    await h.bid(lot.lotId, a.token, { amount: 100_000, maxAmount: 200_000 });
    const again = await h.bid(lot.lotId, a.token, { amount: 110_000 });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: "ALREADY_LEADING",
      error: { details: { yourMaximum: 200_000 } },
    });
    const raise = await h.bid(lot.lotId, a.token, { amount: 110_000, maxAmount: 400_000 });
    expect(raise.statusCode).toBe(201);
    expect(raise.json()).toMatchObject({ leading: true, price: 100_000, yourMaximum: 400_000 });
    await h.drained();
    const holds = await h.bankHolds(a.accountId);
    expect(holds.filter((x) => x.status === "PENDING").map((x) => x.amount)).toEqual([460_000]);
    expect((await h.balance(a.accountId)).held).toBe(460_000);
  });

  it("refuses a bid below the next minimum with BID_TOO_LOW and details.nextMinimum; no money moves", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    const low = await h.bid(lot.lotId, a.token, { amount: 90_000 });
    expect(low.statusCode).toBe(422);
    expect(low.json()).toMatchObject({ code: "BID_TOO_LOW", error: { details: { nextMinimum: 100_000 } } });
    await h.bid(lot.lotId, a.token, { amount: 100_000 });
    const b = await h.bidder();
    const low2 = await h.bid(lot.lotId, b.token, { amount: 105_000 });
    expect(low2.json()).toMatchObject({ code: "BID_TOO_LOW", error: { details: { nextMinimum: 110_000 } } });
    expect(await h.bankHolds(b.accountId)).toHaveLength(0);
  });

  it("refuses INVALID_MAXIMUM, EMAIL_NOT_VERIFIED, ACCOUNT_SUSPENDED, NO_LINKED_ACCOUNT, SELF_BIDDING", async () => {
    const seller = await h.bidder();
    const lot = await h.openLot({ body: { sellerUserId: seller.userId } });
    const ok = await h.bidder();
    const unverified = await h.bidder({ ev: false });
    const suspended = await h.bidder({ suspended: true });
    const unlinked = await h.bidder({ link: false });
    const cases: [string, string, number][] = [
      [ok.token, "INVALID_MAXIMUM", 400],
      [unverified.token, "EMAIL_NOT_VERIFIED", 403],
      [suspended.token, "ACCOUNT_SUSPENDED", 403],
      [unlinked.token, "NO_LINKED_ACCOUNT", 403],
      [seller.token, "SELF_BIDDING", 403],
    ];
    for (const [tok, want, status] of cases) {
      const body = want === "INVALID_MAXIMUM" ? { amount: 200_000, maxAmount: 150_000 } : { amount: 100_000 };
      const res = await h.bid(lot.lotId, tok, body);
      expect([code(res), res.statusCode]).toEqual([want, status]);
    }
    for (const b of [ok, unverified, suspended, unlinked, seller])
      expect(await h.bankHolds(b.accountId)).toHaveLength(0);
    expect((await h.lotRow(lot.lotId)).bid_count).toBe(0);
  });

  it("refuses INSUFFICIENT_FUNDS (the bank's answer) and records no bid", async () => {
    const lot = await h.openLot();
    const poor = await h.bidder({ balance: 110_000 });
    const res = await h.bid(lot.lotId, poor.token, { amount: 100_000 });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: "INSUFFICIENT_FUNDS",
      error: { details: { required: 115_000 } },
    });
    expect((await h.lotRow(lot.lotId)).bid_count).toBe(0);
    expect((await h.holdRows(lot.lotId)).map((x) => x.status)).toEqual(["FAILED"]);
  });

  it("refuses LOT_NOT_FOUND, LOT_NOT_OPEN (before the start) and LOT_ENDED (cancelled)", async () => {
    const a = await h.bidder();
    expect(code(await h.bid(randomUUID(), a.token, { amount: 100_000 }))).toBe("LOT_NOT_FOUND");
    const later = await h.createLot({ startsInMs: 60_000 });
    const notOpen = await h.bid(later.lotId, a.token, { amount: 100_000 });
    expect([code(notOpen), notOpen.statusCode]).toEqual(["LOT_NOT_OPEN", 409]);
    await h.app.inject({
      method: "POST",
      url: `/v1/admin/lots/${later.lotId}/cancel`,
      headers: { authorization: `Bearer ${h.adminToken}` },
      payload: { reason: "withdrawn" },
    });
    expect(code(await h.bid(later.lotId, a.token, { amount: 100_000 }))).toBe("LOT_ENDED");
  });

  it("needs a token and an Idempotency-Key; validates the body", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    const anon = await h.app.inject({
      method: "POST",
      url: `/v1/lots/${lot.lotId}/bids`,
      headers: { "idempotency-key": "k-12345678" },
      payload: { amount: 100_000 },
    });
    expect(anon.statusCode).toBe(401);
    const noKey = await h.app.inject({
      method: "POST",
      url: `/v1/lots/${lot.lotId}/bids`,
      headers: { authorization: `Bearer ${a.token}` },
      payload: { amount: 100_000 },
    });
    expect([noKey.statusCode, code(noKey)]).toEqual([400, "VALIDATION_FAILED"]);
    for (const payload of [{ amount: -1 }, { amount: 1.5 }, { amount: "100000" }, { amount: 1, x: 1 }]) {
      const res = await h.app.inject({
        method: "POST",
        url: `/v1/lots/${lot.lotId}/bids`,
        headers: { authorization: `Bearer ${a.token}`, "idempotency-key": "k-12345678" },
        payload,
      });
      expect(res.statusCode).toBe(400);
    }
  });

  it("replays: the same key and body return the first answer; another body → 409; one hold, one bid", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    const key = `k-${randomUUID()}`;
    const first = await h.bid(lot.lotId, a.token, { amount: 100_000 }, key);
    const again = await h.bid(lot.lotId, a.token, { amount: 100_000 }, key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const other = await h.bid(lot.lotId, a.token, { amount: 120_000 }, key);
    expect([other.statusCode, code(other)]).toEqual([409, "IDEMPOTENCY_KEY_REUSED"]);
    // concurrent duplicates: one bid, the losers' holds released
    const key2 = `k-${randomUUID()}`;
    const b = await h.bidder();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => h.bid(lot.lotId, b.token, { amount: 150_000 }, key2)),
    );
    const bodies = answers.map((r) => r.json() as auction.BidAccepted);
    expect(new Set(bodies.map((x) => x.bidId)).size).toBe(1);
    expect((await h.lotRow(lot.lotId)).bid_count).toBe(2);
    await h.drained();
    expect((await h.bankHolds(b.accountId)).filter((x) => x.status === "PENDING")).toHaveLength(1);
    // a rejection is replayed too
    const key3 = `k-${randomUUID()}`;
    const r1 = await h.bid(lot.lotId, a.token, { amount: 1 }, key3);
    const r2 = await h.bid(lot.lotId, a.token, { amount: 1 }, key3);
    expect(r2.json().error).toEqual(r1.json().error);
  });

  it("buy-now closes the lot at once as SOLD at the buy-now price; the winner's hold stays", async () => {
    const lot = await h.openLot({ body: { buyNowPrice: 1_000_000 } });
    const a = await h.bidder();
    const b = await h.bidder();
    await h.bid(lot.lotId, a.token, { amount: 100_000 });
    const res = await h.bid(lot.lotId, b.token, { amount: 1_200_000 });
    expect(res.json()).toMatchObject({ leading: true, price: 1_000_000, status: "SOLD" });
    const row = await h.lotRow(lot.lotId);
    expect(row).toMatchObject({ status: "SOLD", hammer_price: 1_000_000, premium: 150_000 });
    const late = await h.bid(lot.lotId, a.token, { amount: 2_000_000 });
    expect(code(late)).toBe("LOT_ENDED");
    await h.drained();
    expect((await h.bankHolds(a.accountId)).map((x) => x.status)).toEqual(["RELEASED"]);
    expect((await h.bankHolds(b.accountId)).map((x) => x.status)).toEqual(["PENDING"]);
    expect((await h.holdRows(lot.lotId)).find((x) => x.user_id === b.userId)?.status).toBe("WON");
  });

  it("soft close: a bid in the window moves endsAt to now + window", async () => {
    const lot = await h.openLot({ durationMs: 5_000, body: { softCloseSeconds: 60 } });
    const a = await h.bidder();
    const before = Date.now();
    const res = await h.bid(lot.lotId, a.token, { amount: 100_000 });
    const body = res.json() as auction.BidAccepted;
    expect(body.extended).toBe(true);
    const ends = Date.parse(body.endsAt);
    expect(ends).toBeGreaterThanOrEqual(before + 59_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 60_000);
    const row = await h.lotRow(lot.lotId);
    expect(row.ends_at.getTime()).toBe(ends);
    expect(row.scheduled_ends_at.getTime()).toBeLessThan(ends);
  });
});

describe("the bidder read model (USER stream)", () => {
  it("applies suspension and bank links from events, once, newest fact first", async () => {
    const lot = await h.openLot();
    const a = await h.bidder({ link: false });
    const publish = async (schema: { shape: { type: { value: string } } }, data: unknown, at: Date) => {
      const event = { id: randomUUID(), type: schema.shape.type.value, occurredAt: at.toISOString(), data };
      await h.bus.js.publish(h.bus.subject(event.type), JSON.stringify(event), { msgID: event.id });
      return event;
    };
    const t0 = Date.now();
    await publish(
      BankAccountLinkedV1,
      { userId: a.userId, accountId: a.accountId, accountNumber: "x", demo: true },
      new Date(t0),
    );
    await eventually(
      async () =>
        (await h.db.selectFrom("bidder").selectAll().where("user_id", "=", a.userId).executeTakeFirst())
          ?.bank_account_id === a.accountId,
    );
    expect((await h.bid(lot.lotId, a.token, { amount: 100_000 })).statusCode).toBe(201);

    await publish(
      users.UserSuspendedV1,
      { userId: a.userId, reason: "fraud", suspended: true },
      new Date(t0 + 10),
    );
    // an older unsuspension arriving late changes nothing
    await publish(
      users.UserSuspendedV1,
      { userId: a.userId, reason: "x", suspended: false },
      new Date(t0 + 5),
    );
    await eventually(
      async () =>
        (await h.db.selectFrom("bidder").selectAll().where("user_id", "=", a.userId).executeTakeFirst())
          ?.suspended === true,
    );
    await new Promise((r) => setTimeout(r, 300));
    const refused = await h.bid(lot.lotId, a.token, { amount: 100_000, maxAmount: 900_000 });
    expect(code(refused)).toBe("ACCOUNT_SUSPENDED");

    await publish(BankAccountUnlinkedV1, { userId: a.userId, accountId: a.accountId }, new Date(t0 + 20));
    await eventually(
      async () =>
        (await h.db.selectFrom("bidder").selectAll().where("user_id", "=", a.userId).executeTakeFirst())
          ?.bank_account_id === null,
    );
    expect(USER_STREAM.name).toBe("USER");
  });
});
