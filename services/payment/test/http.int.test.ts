import { randomUUID } from "node:crypto";
import { payment } from "@arte/contracts";
import { eventually } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, sale, startHarness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const admin = () => ({ authorization: `Bearer ${h.adminToken}` });

/** A paid sale: its invoice id, the buyer's token and the accounts. */
async function paidSale(o: Parameters<typeof sale>[1] = {}) {
  const s = await sale(h, o);
  await h.publish(s.event);
  const inv = await eventually(async () => {
    const i = await h.invoiceOfLot(s.lotId);
    return i?.status === "PAID" ? i : undefined;
  });
  return { ...s, invoiceId: inv.id, number: inv.number, buyerToken: await h.token(s.buyer.userId) };
}

function refund(invoiceId: string, body: unknown, key: string | null = `r-${randomUUID()}`) {
  return h.app.inject({
    method: "POST",
    url: `/v1/admin/invoices/${invoiceId}/refunds`,
    headers: { ...admin(), ...(key ? { "idempotency-key": key } : {}) },
    payload: body as Record<string, unknown>,
  });
}

describe("refunds", () => {
  it("full: the seller's account pays the buyer back, the invoice is REFUNDED, one event", async () => {
    const s = await paidSale();
    const res = await refund(s.invoiceId, { amount: s.total, reason: "damaged in transit" });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: "COMPLETED", amount: s.total, adminUserId: h.adminId });
    expect((await h.invoice(s.invoiceId)).status).toBe("REFUNDED");
    expect((await h.balance(s.buyer.accountId)).posted).toBe(10_000_000);
    expect((await h.balance(s.seller.accountId)).posted).toBe(0);
    await h.outboxDrained();
    const ev = await h.published(payment.RefundIssuedV1, (e) => e.data.invoiceId === s.invoiceId);
    expect(ev).toHaveLength(1);
    expect(ev[0]!.data).toMatchObject({
      amount: s.total,
      reason: "damaged in transit",
      refundedTotal: s.total,
      invoiceStatus: "REFUNDED",
      number: s.number,
      buyerUserId: s.buyer.userId,
    });
    const transfers = await h.bankDb
      .selectFrom("transfer")
      .selectAll()
      .where("kind", "=", "REFUND")
      .where("credit_account_id", "=", s.buyer.accountId)
      .execute();
    expect(transfers).toHaveLength(1);
    expect((await h.ledgerCheck()).ok).toBe(true);
  });

  it("partial, then the rest; more than what is left is 422 REFUND_EXCEEDS_PAID and changes nothing", async () => {
    const s = await paidSale();
    const first = await refund(s.invoiceId, { amount: 100_000, reason: "frame scratched" });
    expect(first.statusCode).toBe(201);
    expect(await h.invoice(s.invoiceId)).toMatchObject({
      status: "PARTIALLY_REFUNDED",
      refunded_total: 100_000,
    });
    const before = await h.balance(s.seller.accountId);
    const over = await refund(s.invoiceId, { amount: s.total - 100_000 + 1, reason: "too much" });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({
      code: "REFUND_EXCEEDS_PAID",
      error: { details: { refundable: s.total - 100_000 } },
      requestId: expect.any(String),
    });
    expect((await h.balance(s.seller.accountId)).posted).toBe(before.posted);
    expect(
      await h.db.selectFrom("refund").select("id").where("invoice_id", "=", s.invoiceId).execute(),
    ).toHaveLength(1);
    const rest = await refund(s.invoiceId, { amount: s.total - 100_000, reason: "returned" });
    expect(rest.statusCode).toBe(201);
    expect(await h.invoice(s.invoiceId)).toMatchObject({ status: "REFUNDED", refunded_total: s.total });
    const none = await refund(s.invoiceId, { amount: 1, reason: "nothing left" });
    expect(none.json()).toMatchObject({ code: "REFUND_EXCEEDS_PAID" });
  });

  it("the same refund twice with one key (also at once): one transfer; the key with other arguments is 409", async () => {
    const s = await paidSale();
    const key = `r-${randomUUID()}`;
    const body = { amount: 50_000, reason: "goodwill" };
    const [a, b] = await Promise.all([refund(s.invoiceId, body, key), refund(s.invoiceId, body, key)]);
    const c = await refund(s.invoiceId, body, key);
    for (const r of [a, b, c]) expect(r.statusCode).toBe(201);
    expect(new Set([a, b, c].map((r) => r.json().id)).size).toBe(1);
    expect((await h.invoice(s.invoiceId)).refunded_total).toBe(50_000);
    expect((await h.balance(s.buyer.accountId)).posted).toBe(10_000_000 - s.total + 50_000);
    const other = await refund(s.invoiceId, { amount: 60_000, reason: "goodwill" }, key);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("the bank down: 202 PENDING; the refund job completes it once the bank answers", async () => {
    const s = await paidSale();
    await h.stopBank();
    let res: Awaited<ReturnType<typeof refund>>;
    try {
      res = await refund(s.invoiceId, { amount: 10_000, reason: "late delivery" });
    } finally {
      h.startBank();
    }
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: "PENDING" });
    await eventually(async () => (await h.invoice(s.invoiceId)).refunded_total === 10_000);
    const row = await h.db
      .selectFrom("refund")
      .selectAll()
      .where("id", "=", res.json().id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("COMPLETED");
  });

  it("unknown invoice 404, an unpaid one 409, bad input 400 in the one error shape", async () => {
    const unknown = await refund(randomUUID(), { amount: 1, reason: "x" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: "INVOICE_NOT_FOUND", error: { code: "INVOICE_NOT_FOUND" } });
    const s = await sale(h, { holdAmount: 100 });
    await h.publish(s.event);
    const failed = await eventually(async () => {
      const i = await h.invoiceOfLot(s.lotId);
      return i?.status === "PAYMENT_FAILED" ? i : undefined;
    });
    expect((await refund(failed.id, { amount: 1, reason: "x" })).json()).toMatchObject({
      code: "INVOICE_NOT_PAID",
    });
    const p = await paidSale();
    const bad: [unknown, string | null][] = [
      [{ amount: 0, reason: "x" }, "k-12345678"],
      [{ amount: "100", reason: "x" }, "k-12345678"],
      [{ amount: 1.5, reason: "x" }, "k-12345678"],
      [{ amount: 100, reason: "" }, "k-12345678"],
      [{ amount: 100, reason: "x", extra: 1 }, "k-12345678"],
      [{ amount: 100, reason: "x" }, null],
      [{ amount: 100, reason: "x" }, "short"],
    ];
    for (const [body, key] of bad) {
      const r = await refund(p.invoiceId, body, key);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json()).toMatchObject({ code: "VALIDATION_FAILED", requestId: expect.any(String) });
    }
    const badId = await h.app.inject({
      method: "POST",
      url: "/v1/admin/invoices/nope/refunds",
      headers: { ...admin(), "idempotency-key": "k-12345678" },
      payload: { amount: 1, reason: "x" },
    });
    expect(badId.statusCode).toBe(400);
    expect((await h.invoice(p.invoiceId)).refunded_total).toBe(0);
  });
});

describe("the buyer's views", () => {
  it("purchases: mine only, newest first, paged; another user's invoice is 404", async () => {
    const a = await paidSale();
    const other = await paidSale();
    const res = await h.app.inject({
      method: "GET",
      url: "/v1/me/purchases?limit=1",
      headers: { authorization: `Bearer ${a.buyerToken}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ id: a.invoiceId, status: "PAID", total: a.total, lotId: a.lotId });
    expect(body.items[0].buyerUserId).toBeUndefined();
    expect(body.nextCursor).toBeNull();
    const mine = await h.app.inject({
      method: "GET",
      url: `/v1/me/invoices/${a.invoiceId}`,
      headers: { authorization: `Bearer ${a.buyerToken}` },
    });
    expect(mine.statusCode).toBe(200);
    const theirs = await h.app.inject({
      method: "GET",
      url: `/v1/me/invoices/${other.invoiceId}`,
      headers: { authorization: `Bearer ${a.buyerToken}` },
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ code: "INVOICE_NOT_FOUND" });
    const receipt = await h.app.inject({
      method: "GET",
      url: `/v1/me/invoices/${other.invoiceId}/receipt`,
      headers: { authorization: `Bearer ${a.buyerToken}` },
    });
    expect(receipt.statusCode).toBe(404);
  });

  it("paging walks every purchase once", async () => {
    const buyer = await h.account(50_000_000);
    const tok = await h.token(buyer.userId);
    const seller = await h.account(0);
    for (let i = 0; i < 3; i++) {
      const lotId = randomUUID();
      const hold = await h.hold(buyer.accountId, lotId, buyer.userId, 2_000_000);
      await h.publish(
        h.soldEvent({
          lotId,
          winnerUserId: buyer.userId,
          sellerAccountId: seller.accountId,
          bankHoldId: hold.holdId,
        }),
      );
    }
    await eventually(async () => {
      const n = await h.db
        .selectFrom("invoice")
        .select("id")
        .where("buyer_user_id", "=", buyer.userId)
        .where("status", "=", "PAID")
        .execute();
      return n.length === 3;
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/me/purchases?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await h.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tok}` } });
      expect(r.statusCode).toBe(200);
      const b = r.json();
      seen.push(...b.items.map((x: { id: string }) => x.id));
      cursor = b.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    const bad = await h.app.inject({
      method: "GET",
      url: "/v1/me/purchases?cursor=zzz",
      headers: { authorization: `Bearer ${tok}` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "CURSOR_INVALID" });
  });

  it("receipt: printable HTML in Korean (default) and English", async () => {
    const s = await paidSale();
    const auth = { authorization: `Bearer ${s.buyerToken}` };
    const ko = await h.app.inject({
      method: "GET",
      url: `/v1/me/invoices/${s.invoiceId}/receipt`,
      headers: auth,
    });
    expect(ko.statusCode).toBe(200);
    expect(ko.headers["content-type"]).toMatch(/^text\/html; charset=utf-8/);
    expect(ko.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(ko.body).toContain('<html lang="ko">');
    expect(ko.body).toContain("영수증");
    expect(ko.body).toContain("1,150,000원");
    expect(ko.body).toContain(s.number);
    const en = await h.app.inject({
      method: "GET",
      url: `/v1/me/invoices/${s.invoiceId}/receipt?lang=en`,
      headers: auth,
    });
    expect(en.body).toContain("Receipt");
    expect(en.body).toContain("KRW 1,150,000");
    expect(en.body).toContain("Buyer&#39;s premium (15%)");
    const bad = await h.app.inject({
      method: "GET",
      url: `/v1/me/invoices/${s.invoiceId}/receipt?lang=fr`,
      headers: auth,
    });
    expect(bad.statusCode).toBe(400);
  });

  it("401 without a token or with a bad one; 403 for a user on admin routes", async () => {
    for (const url of ["/v1/me/purchases", `/v1/me/invoices/${randomUUID()}`, "/v1/admin/invoices"]) {
      const r = await h.app.inject({ method: "GET", url });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: "UNAUTHENTICATED" });
    }
    const badTok = await h.app.inject({
      method: "GET",
      url: "/v1/me/purchases",
      headers: { authorization: "Bearer nope" },
    });
    expect(badTok.statusCode).toBe(401);
    const user = { authorization: `Bearer ${await h.token(randomUUID())}` };
    for (const [method, url] of [
      ["GET", "/v1/admin/invoices"],
      ["GET", "/v1/admin/payments/daily-totals"],
      ["POST", `/v1/admin/invoices/${randomUUID()}/retry`],
      ["POST", `/v1/admin/invoices/${randomUUID()}/offer-runner-up`],
    ] as const) {
      const r = await h.app.inject({ method, url, headers: user });
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: "FORBIDDEN" });
    }
  });
});

describe("the admin's views", () => {
  it("lists failed payments first, filters by status and date, pages; shows one invoice's attempts", async () => {
    const ok = await paidSale();
    const s = await sale(h, { holdAmount: 100 });
    await h.publish(s.event);
    const failed = await eventually(async () => {
      const i = await h.invoiceOfLot(s.lotId);
      return i?.status === "PAYMENT_FAILED" ? i : undefined;
    });
    const all = await h.app.inject({ method: "GET", url: "/v1/admin/invoices?limit=100", headers: admin() });
    expect(all.statusCode).toBe(200);
    const items = all.json().items as { id: string; status: string }[];
    const firstOk = items.findIndex((i) => i.status !== "PAYMENT_FAILED");
    const lastFailed = items.map((i) => i.status).lastIndexOf("PAYMENT_FAILED");
    expect(lastFailed).toBeLessThan(firstOk);
    expect(items.some((i) => i.id === ok.invoiceId)).toBe(true);
    const onlyFailed = await h.app.inject({
      method: "GET",
      url: "/v1/admin/invoices?status=PAYMENT_FAILED",
      headers: admin(),
    });
    expect(onlyFailed.json().items.every((i: { status: string }) => i.status === "PAYMENT_FAILED")).toBe(
      true,
    );
    expect(onlyFailed.json().items.some((i: { id: string }) => i.id === failed.id)).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await h.app.inject({
      method: "GET",
      url: `/v1/admin/invoices?from=${encodeURIComponent(future)}`,
      headers: admin(),
    });
    expect(none.json().items).toHaveLength(0);
    // paging
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/admin/invoices?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await h.app.inject({ method: "GET", url, headers: admin() });
      seen.push(...r.json().items.map((x: { id: string }) => x.id));
      cursor = r.json().nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(items.length);
    const detail = await h.app.inject({
      method: "GET",
      url: `/v1/admin/invoices/${failed.id}`,
      headers: admin(),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      status: "PAYMENT_FAILED",
      lastErrorCode: "CAPTURE_EXCEEDS_HOLD",
      paymentAttempts: [{ kind: "CAPTURE", outcome: "FAILED", errorCode: "CAPTURE_EXCEEDS_HOLD" }],
      refunds: [],
      runnerUpOffer: null,
    });
    const missing = await h.app.inject({
      method: "GET",
      url: `/v1/admin/invoices/${randomUUID()}`,
      headers: admin(),
    });
    expect(missing.statusCode).toBe(404);
    const noRunner = await h.app.inject({
      method: "POST",
      url: `/v1/admin/invoices/${failed.id}/offer-runner-up`,
      headers: admin(),
    });
    expect(noRunner.json()).toMatchObject({ code: "NO_RUNNER_UP" });
    const paidOffer = await h.app.inject({
      method: "POST",
      url: `/v1/admin/invoices/${ok.invoiceId}/offer-runner-up`,
      headers: admin(),
    });
    expect(paidOffer.json()).toMatchObject({ code: "INVOICE_NOT_FAILED" });
  });

  it("daily totals: today's paid and refunded amounts; bad ranges are 400", async () => {
    const before = await h.app.inject({
      method: "GET",
      url: "/v1/admin/payments/daily-totals?tz=UTC",
      headers: admin(),
    });
    expect(before.statusCode).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const day0 = before.json().items.find((d: { day: string }) => d.day === today);
    expect(before.json().items).toHaveLength(30);
    const s = await paidSale();
    await refund(s.invoiceId, { amount: 1000, reason: "rounding" });
    const after = await h.app.inject({
      method: "GET",
      url: `/v1/admin/payments/daily-totals?tz=UTC&from=${today}&to=${today}`,
      headers: admin(),
    });
    const day1 = after.json().items[0];
    expect(after.json().items).toHaveLength(1);
    expect(day1.paidCount - day0.paidCount).toBe(1);
    expect(day1.total - day0.total).toBe(s.total);
    expect(day1.refunded - day0.refunded).toBe(1000);
    expect(day1.net).toBe(day1.total - day1.refunded);
    for (const q of [
      "from=2025-02-01&to=2025-01-01",
      "from=2020-01-01&to=2025-01-01",
      "from=2025-13-01",
      "tz=Mars",
    ]) {
      const r = await h.app.inject({
        method: "GET",
        url: `/v1/admin/payments/daily-totals?${q}`,
        headers: admin(),
      });
      expect(r.statusCode, q).toBe(400);
    }
  });
});
