import { randomUUID } from "node:crypto";
import { type auction, payment } from "@arte/contracts";
import { eventually } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { lotSoldHandler } from "../src/consumers/consumers.js";
import { createSettlement } from "../src/modules/settlement/settlement.service.js";
import { type Harness, LEASE_MS, sale, startHarness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const ctx = () => ({ log: h.log, deliveryCount: 1 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function paid(lotId: string, timeoutMs = 10_000) {
  return eventually(async () => {
    const inv = await h.invoiceOfLot(lotId);
    return inv?.status === "PAID" ? inv : undefined;
  }, timeoutMs);
}

/** One capture at the bank; the buyer's posted balance down by exactly the total, the seller's up by it. */
async function expectChargedOnce(s: Awaited<ReturnType<typeof sale>>) {
  const caps = await h.captures(s.hold.holdId);
  expect(caps).toHaveLength(1);
  expect(caps[0]).toMatchObject({
    amount: s.total,
    debit_account_id: s.buyer.accountId,
    credit_account_id: s.seller.accountId,
  });
  const buyer = await h.balance(s.buyer.accountId);
  expect(buyer.posted).toBe(10_000_000 - s.total);
  expect(buyer.held).toBe(0); // the rest of the hold was released with the capture
  expect((await h.balance(s.seller.accountId)).posted).toBe(s.total);
  expect((await h.bankHold(s.hold.holdId)).status).toBe("CAPTURED");
  const check = await h.ledgerCheck();
  expect(check.ok).toBe(true);
  expect(check.sumOfAllBalances).toBe(0);
}

describe("a sold lot", () => {
  it("gets one invoice, one capture of hammer + premium to the seller, and the issued and paid events", async () => {
    const s = await sale(h);
    await h.publish(s.event);
    const inv = await paid(s.lotId);
    expect(inv).toMatchObject({
      hammer: s.hammer,
      premium: 150_000,
      total: s.total,
      buyer_user_id: s.buyer.userId,
      buyer_account_id: s.buyer.accountId,
      bank_hold_id: s.hold.holdId,
    });
    expect(inv.number).toMatch(/^AM-\d{4}-\d{6}$/);
    await expectChargedOnce(s);
    await h.outboxDrained();
    const issued = await h.published(payment.InvoiceIssuedV1, (e) => e.data.lotId === s.lotId);
    const paidEvents = await h.published(payment.InvoicePaidV1, (e) => e.data.lotId === s.lotId);
    expect(issued).toHaveLength(1);
    expect(paidEvents).toHaveLength(1);
    expect(paidEvents[0]!.data).toMatchObject({
      invoiceId: inv.id,
      number: inv.number,
      buyerUserId: s.buyer.userId,
      hammer: s.hammer,
      premium: 150_000,
      total: s.total,
      captureTransferId: inv.capture_transfer_id,
    });
    const attempts = await h.db
      .selectFrom("payment_attempt")
      .selectAll()
      .where("invoice_id", "=", inv.id)
      .execute();
    expect(attempts.filter((a) => a.kind === "CAPTURE").map((a) => a.outcome)).toEqual(["SUCCEEDED"]);
  });

  it("replayed (same id, then a new id for the same sale): nothing more happens", async () => {
    const s = await sale(h);
    await h.publish(s.event);
    const inv = await paid(s.lotId);
    await h.publish(s.event); // a redelivery of the same message
    await h.publish({ ...s.event, id: randomUUID() }); // the same sale announced again
    await sleep(1500);
    await h.outboxDrained();
    expect(
      (await h.db.selectFrom("invoice").selectAll().where("lot_id", "=", s.lotId).execute()).length,
    ).toBe(1);
    expect((await h.invoice(inv.id)).status).toBe("PAID");
    await expectChargedOnce(s);
    expect(await h.published(payment.InvoiceIssuedV1, (e) => e.data.lotId === s.lotId)).toHaveLength(1);
    expect(await h.published(payment.InvoicePaidV1, (e) => e.data.lotId === s.lotId)).toHaveLength(1);
  });

  it("delivered to two consumer instances at once (and a second event id): one invoice, one capture", async () => {
    const s = await sale(h);
    const event = s.event as z.infer<typeof auction.LotSoldV1>;
    const issuedIds: string[] = [];
    const deps = { db: h.db, onInvoiceIssued: (id: string) => issuedIds.push(id) };
    const a = lotSoldHandler(deps);
    const b = lotSoldHandler(deps);
    await Promise.all([
      a.handle(event, ctx()),
      b.handle(event, ctx()),
      a.handle({ ...event, id: randomUUID() }, ctx()),
      b.handle({ ...event, id: randomUUID() }, ctx()),
    ]);
    expect(issuedIds).toHaveLength(1);
    // two settlement instances race for it
    const mk = (instance: string) =>
      createSettlement({ db: h.db, bank: h.bank, log: h.log, instance, ...h.tuning });
    const [x, y] = [mk("x"), mk("y")];
    await Promise.all([x.runOne(issuedIds[0]!), y.runOne(issuedIds[0]!), x.resumeDue(), y.resumeDue()]);
    await paid(s.lotId);
    await expectChargedOnce(s);
    await h.outboxDrained();
    expect(await h.published(payment.InvoiceIssuedV1, (e) => e.data.lotId === s.lotId)).toHaveLength(1);
    expect(await h.published(payment.InvoicePaidV1, (e) => e.data.lotId === s.lotId)).toHaveLength(1);
  });

  it("resolves the winner's hold from the bank's hold events when the sold event names none", async () => {
    const s = await sale(h, { withHoldId: false });
    await h.knowsHolds([s.hold.holdId]);
    await h.publish(s.event);
    const inv = await paid(s.lotId);
    expect(inv.bank_hold_id).toBe(s.hold.holdId);
    await expectChargedOnce(s);
  });

  it("releases every other hold of the sold lot and keeps the winner's for the capture", async () => {
    const s = await sale(h);
    const others = await Promise.all(
      [1, 2].map(async (i) => {
        const o = await h.account(5_000_000);
        return h.hold(o.accountId, s.lotId, o.userId, 500_000 + i);
      }),
    );
    await h.knowsHolds([s.hold.holdId, ...others.map((o) => o.holdId)]);
    await h.publish(s.event);
    await paid(s.lotId);
    await eventually(async () => {
      const st = await Promise.all(others.map((o) => h.bankHold(o.holdId)));
      return st.every((x) => x.status === "RELEASED");
    });
    await expectChargedOnce(s);
  });
});

describe("a lot unsold or cancelled", () => {
  it("unsold: every pending hold of the lot is released, including one whose event arrives later", async () => {
    const lotId = randomUUID();
    const bidders = await Promise.all([1, 2, 3].map(() => h.account(5_000_000)));
    const holds = await Promise.all(
      bidders.map((b, i) => h.hold(b.accountId, lotId, b.userId, 100_000 * (i + 1))),
    );
    // a hold of another lot stays
    const other = await h.hold(bidders[0]!.accountId, randomUUID(), bidders[0]!.userId, 50_000);
    await h.knowsHolds(holds.map((x) => x.holdId));
    await h.publish(h.endedEvent("auction.lot.unsold.v1", lotId));
    await eventually(async () => {
      const st = await Promise.all(holds.map((x) => h.bankHold(x.holdId)));
      return st.every((x) => x.status === "RELEASED");
    });
    const late = await h.hold(bidders[1]!.accountId, lotId, bidders[1]!.userId, 77_000, 2);
    await eventually(async () => (await h.bankHold(late.holdId)).status === "RELEASED");
    expect((await h.bankHold(other.holdId)).status).toBe("PENDING");
    for (const b of bidders.slice(1)) expect((await h.balance(b.accountId)).held).toBe(0);
    expect((await h.ledgerCheck()).ok).toBe(true);
  });

  it("cancelled: the same; a hold the auction already released is fine (HOLD_ALREADY_ENDED)", async () => {
    const lotId = randomUUID();
    const b = await h.account(5_000_000);
    const [x, y] = [
      await h.hold(b.accountId, lotId, b.userId, 10_000),
      await h.hold(b.accountId, lotId, b.userId, 20_000, 2),
    ];
    await h.knowsHolds([x.holdId, y.holdId]);
    await h.bank.release({ holdId: x.holdId, key: `auction.release.${randomUUID()}` });
    await h.publish(h.endedEvent("auction.lot.cancelled.v1", lotId));
    await eventually(async () => (await h.bankHold(y.holdId)).status === "RELEASED");
    await eventually(async () => {
      const rows = await h.db.selectFrom("lot_hold").select("status").where("lot_id", "=", lotId).execute();
      return rows.length === 2 && rows.every((r) => r.status === "RELEASED");
    });
    expect((await h.balance(b.accountId)).held).toBe(0);
  });
});

describe("the saga stopped between any two steps resumes and never charges twice", () => {
  let stopped: Harness;
  beforeAll(async () => {
    // No settlement job: each test drives the steps itself.
    stopped = await startHarness({ run: { settlement: false } });
  });
  afterAll(async () => {
    await stopped?.close();
  });

  async function issued(s: Awaited<ReturnType<typeof sale>>) {
    await stopped.publish(s.event);
    return eventually(async () => stopped.invoiceOfLot(s.lotId), 10_000);
  }
  const settlement = (hooks?: Parameters<typeof createSettlement>[0]["hooks"], instance = randomUUID()) =>
    createSettlement({
      db: stopped.db,
      bank: stopped.bank,
      log: stopped.log,
      instance,
      ...stopped.tuning,
      hooks,
    });
  const crash = async () => {
    throw new Error("simulated crash");
  };
  async function charged(s: Awaited<ReturnType<typeof sale>>) {
    expect(await stopped.captures(s.hold.holdId)).toHaveLength(1);
    expect((await stopped.balance(s.buyer.accountId)).posted).toBe(10_000_000 - s.total);
    expect((await stopped.balance(s.seller.accountId)).posted).toBe(s.total);
    expect((await stopped.ledgerCheck()).ok).toBe(true);
  }

  it("after the invoice was issued, before any step: the resume job settles it", async () => {
    const s = await sale(stopped);
    const inv = await issued(s);
    expect(inv).toMatchObject({ status: "ISSUED", attempts: 0 });
    expect(await stopped.captures(s.hold.holdId)).toHaveLength(0);
    expect(await settlement().resumeDue()).toBeGreaterThanOrEqual(1);
    expect((await stopped.invoice(inv.id)).status).toBe("PAID");
    await charged(s);
  });

  it("after the claim, before the bank call: nobody else takes it until the lease expires; then one capture", async () => {
    const s = await sale(stopped);
    const inv = await issued(s);
    await expect(settlement({ beforeCapture: crash }).runOne(inv.id)).rejects.toThrow("simulated crash");
    const mid = await stopped.invoice(inv.id);
    expect(mid.status).toBe("ISSUED");
    expect(mid.lease_until).not.toBeNull();
    expect(await settlement().runOne(inv.id)).toBe(false); // the lease still holds
    expect(await stopped.captures(s.hold.holdId)).toHaveLength(0);
    await sleep(LEASE_MS + 100);
    expect(await settlement().runOne(inv.id)).toBe(true);
    expect((await stopped.invoice(inv.id)).status).toBe("PAID");
    await charged(s);
  });

  it("after the capture, before the invoice is marked paid: the repeated capture is answered from the bank's record", async () => {
    const s = await sale(stopped);
    const inv = await issued(s);
    await expect(settlement({ afterCapture: crash }).runOne(inv.id)).rejects.toThrow("simulated crash");
    expect((await stopped.invoice(inv.id)).status).toBe("ISSUED");
    expect(await stopped.captures(s.hold.holdId)).toHaveLength(1); // the money moved
    await sleep(LEASE_MS + 100);
    // a restarted instance's resume job
    await eventually(async () => (await settlement().resumeDue()) >= 1 || undefined, 5000);
    const done = await stopped.invoice(inv.id);
    expect(done.status).toBe("PAID");
    await charged(s);
    const attempts = await stopped.db
      .selectFrom("payment_attempt")
      .select(["outcome", "idempotency_key"])
      .where("invoice_id", "=", inv.id)
      .where("kind", "=", "CAPTURE")
      .orderBy("at")
      .execute();
    // the crashed attempt stays PENDING (unknown), the resumed one succeeded with the same key
    expect(attempts.map((a) => a.outcome)).toEqual(["PENDING", "SUCCEEDED"]);
    expect(new Set(attempts.map((a) => a.idempotency_key)).size).toBe(1);
  });

  it("with the bank unavailable between the steps: backs off, then pays once the bank answers", async () => {
    const s = await sale(stopped);
    const inv = await issued(s);
    await stopped.stopBank();
    try {
      expect(await settlement().runOne(inv.id)).toBe(true);
      const mid = await stopped.invoice(inv.id);
      expect(mid).toMatchObject({
        status: "ISSUED",
        last_error_code: "SERVICE_UNAVAILABLE",
        lease_until: null,
      });
    } finally {
      stopped.startBank();
    }
    await eventually(async () => {
      await settlement().resumeDue();
      return (await stopped.invoice(inv.id)).status === "PAID";
    }, 10_000);
    await charged(s);
  });

  it("a restarted job side (every job) finishes what a killed runner left", async () => {
    const s = await sale(stopped);
    const inv = await issued(s);
    await expect(settlement({ afterCapture: crash }).runOne(inv.id)).rejects.toThrow("simulated crash");
    await stopped.restartJobs({ run: {} }); // everything, the settlement job included
    await eventually(async () => (await stopped.invoice(inv.id)).status === "PAID", 10_000);
    await charged(s);
    await stopped.restartJobs({ run: { settlement: false } });
  });
});

describe("failures", () => {
  it("transient (the bank down for a while): retried with backoff, then PAID", async () => {
    const s = await sale(h);
    await h.stopBank();
    try {
      await h.publish(s.event);
      await eventually(async () => {
        const inv = await h.invoiceOfLot(s.lotId);
        return inv?.last_error_code === "SERVICE_UNAVAILABLE" && inv.status === "ISSUED";
      });
    } finally {
      h.startBank();
    }
    await paid(s.lotId);
    await expectChargedOnce(s);
  });

  it("persistent: PAYMENT_FAILED with its event; an admin retry pays exactly once", async () => {
    const s = await sale(h);
    await h.stopBank();
    let inv: Awaited<ReturnType<Harness["invoiceOfLot"]>>;
    try {
      await h.publish(s.event);
      inv = await eventually(async () => {
        const i = await h.invoiceOfLot(s.lotId);
        return i?.status === "PAYMENT_FAILED" ? i : undefined;
      }, 20_000);
    } finally {
      h.startBank();
    }
    expect(inv.attempts).toBe(3);
    expect(inv.last_error_code).toBe("SERVICE_UNAVAILABLE");
    await h.outboxDrained();
    const failedEvents = await h.published(payment.InvoiceFailedV1, (e) => e.data.lotId === s.lotId);
    expect(failedEvents).toHaveLength(1);
    expect(failedEvents[0]!.data).toMatchObject({
      reason: "SERVICE_UNAVAILABLE",
      attempts: 3,
      total: s.total,
    });
    // not retried on its own
    await sleep(500);
    expect(await h.captures(s.hold.holdId)).toHaveLength(0);
    expect((await h.invoice(inv.id)).status).toBe("PAYMENT_FAILED");

    const auth = { authorization: `Bearer ${h.adminToken}` };
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/admin/invoices/${inv.id}/retry`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "PAID", attempts: 1 });
    const again = await h.app.inject({
      method: "POST",
      url: `/v1/admin/invoices/${inv.id}/retry`,
      headers: auth,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: "INVOICE_NOT_FAILED" });
    await expectChargedOnce(s);
  });

  it("a hold smaller than the total: PAYMENT_FAILED (CAPTURE_EXCEEDS_HOLD), nothing captured; the runner-up gets an offer", async () => {
    const s = await sale(h, { holdAmount: 900_000 });
    const runner = await h.account(5_000_000);
    await h.publish(h.bidEvent(s.lotId, runner.userId, 900_000));
    await h.publish(h.bidEvent(s.lotId, runner.userId, 950_000));
    await h.publish(h.bidEvent(s.lotId, s.buyer.userId, 1_000_000));
    await h.knowsHolds([s.hold.holdId]);
    await h.publish(s.event);
    const inv = await eventually(async () => {
      const i = await h.invoiceOfLot(s.lotId);
      return i?.status === "PAYMENT_FAILED" ? i : undefined;
    });
    expect(inv.last_error_code).toBe("CAPTURE_EXCEEDS_HOLD");
    expect(inv.attempts).toBe(1); // a definite no is not retried
    expect(await h.captures(s.hold.holdId)).toHaveLength(0);
    expect((await h.bankHold(s.hold.holdId)).status).toBe("PENDING"); // kept for a retry …
    await eventually(async () => {
      const n = await h.db.selectFrom("lot_bid").select("amount").where("lot_id", "=", s.lotId).execute();
      return n.length === 2;
    });
    const auth = { authorization: `Bearer ${h.adminToken}` };
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/admin/invoices/${inv.id}/offer-runner-up`,
      headers: auth,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      invoiceId: inv.id,
      userId: runner.userId,
      amount: 950_000,
      premium: 142_500,
      total: 1_092_500,
      adminUserId: h.adminId,
    });
    // … until the lot is offered to someone else: then the winner's hold is released
    await eventually(async () => (await h.bankHold(s.hold.holdId)).status === "RELEASED");
    await h.outboxDrained();
    expect(await h.published(payment.RunnerUpOfferedV1, (e) => e.data.invoiceId === inv.id)).toHaveLength(1);
    const twice = await h.app.inject({
      method: "POST",
      url: `/v1/admin/invoices/${inv.id}/offer-runner-up`,
      headers: auth,
    });
    expect(twice.json()).toMatchObject({ code: "RUNNER_UP_ALREADY_OFFERED" });
    const retry = await h.app.inject({
      method: "POST",
      url: `/v1/admin/invoices/${inv.id}/retry`,
      headers: auth,
    });
    expect(retry.statusCode).toBe(409);
    expect(retry.json()).toMatchObject({ code: "RUNNER_UP_ALREADY_OFFERED" });
    expect((await h.ledgerCheck()).ok).toBe(true);
  });

  it("a sold event without what an invoice needs is dead-lettered: no invoice, no hold released", async () => {
    const s = await sale(h);
    await h.knowsHolds([s.hold.holdId]);
    const bad = { ...s.event, data: { ...s.event.data, sellerAccountId: undefined } };
    await h.publish(bad);
    await eventually(async () => {
      const info = await h.bus.jsm.streams.info(h.bus.stream("DLQ"));
      return info.state.messages >= 1;
    });
    expect(await h.invoiceOfLot(s.lotId)).toBeUndefined();
    expect((await h.bankHold(s.hold.holdId)).status).toBe("PENDING");
  });
});
