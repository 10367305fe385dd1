import { randomUUID } from "node:crypto";
import type { auction } from "@arte/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startAuction } from "../../../test/harness.js";
import { DEFAULT_INCREMENTS, holdAmount, replayBids } from "./bidding.domain.js";

let h: Harness;
beforeAll(async () => {
  h = await startAuction({ run: { scheduler: false, reconciler: false } });
});
afterAll(async () => {
  await h?.close();
});

/** A deterministic pseudo-random sequence (the test is reproducible). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

it("300 concurrent bids from 30 bidders on one lot: one leader, the rules' price, every accepted bid once, holds consistent with the bank", async () => {
  const lot = await h.openLot();
  const bidders = await Promise.all(Array.from({ length: 30 }, () => h.bidder({ balance: 5_000_000_000 })));
  const rand = rng(42);
  const attempts = Array.from({ length: 300 }, (_, i) => {
    const b = bidders[i % bidders.length]!;
    // mixed amounts around a rising price; every third bid with a proxy maximum
    const amount = 100_000 + Math.floor(rand() * 400) * 10_000;
    const withMax = i % 3 === 0;
    const body = withMax ? { amount, maxAmount: amount + Math.floor(rand() * 200) * 10_000 } : { amount };
    return { b, body, key: `c-${randomUUID()}` };
  });

  const started = Date.now();
  const answers = await Promise.all(attempts.map((a) => h.bid(lot.lotId, a.b.token, a.body, a.key)));
  const elapsed = Date.now() - started;

  const statuses = new Map<number, number>();
  for (const r of answers) statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
  // every answer is an acceptance or a known rejection: never a 5xx
  for (const r of answers) {
    expect(r.statusCode, r.body).toBeLessThan(500);
    if (r.statusCode !== 201)
      expect(["BID_TOO_LOW", "ALREADY_LEADING"]).toContain((r.json() as { code: string }).code);
  }
  const accepted = answers.filter((r) => r.statusCode === 201).map((r) => r.json() as auction.BidAccepted);
  expect(accepted.length).toBeGreaterThan(1);

  // every accepted bid is in the lot's bid table exactly once, and nothing else is
  const rows = await h.db
    .selectFrom("bid")
    .selectAll()
    .where("lot_id", "=", lot.lotId)
    .orderBy("seq")
    .execute();
  expect(rows.map((r) => r.id).sort()).toEqual(accepted.map((a) => a.bidId).sort());
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));

  // the price and leader follow from the accepted bids, replayed in order by the pure rules
  const replay = replayBids(
    { startPrice: 100_000, reserve: null, buyNow: null, increments: DEFAULT_INCREMENTS },
    rows.map((r) => ({
      userId: r.user_id,
      amount: r.amount,
      maxAmount: r.max_amount === r.amount ? undefined : r.max_amount,
    })),
  );
  expect(replay.rejected).toBe(0);
  const lotRow = await h.lotRow(lot.lotId);
  expect(lotRow.current_price).toBe(replay.price);
  expect(lotRow.leader_user_id).toBe(replay.leader?.userId);
  expect(lotRow.leader_max).toBe(replay.leader?.max);
  expect(lotRow.bid_count).toBe(rows.length);

  // after the outbox drains: exactly one PENDING hold, the leader's, covering their maximum
  await h.drained(30_000);
  const holdsByBidder = await Promise.all(
    bidders.map(async (b) => ({ b, holds: await h.bankHolds(b.accountId) })),
  );
  const pending = holdsByBidder.flatMap(({ b, holds }) =>
    holds.filter((x) => x.status === "PENDING").map((x) => ({ userId: b.userId, amount: x.amount })),
  );
  expect(pending).toEqual([{ userId: replay.leader!.userId, amount: holdAmount(replay.leader!.max, 1500) }]);
  for (const { b, holds } of holdsByBidder) {
    const balance = await h.balance(b.accountId);
    expect(balance.held).toBe(holds.filter((x) => x.status === "PENDING").reduce((s, x) => s + x.amount, 0));
  }
  // this service's hold rows agree: one ACTIVE (the leader's), the rest released or never held
  const holdRows = await h.holdRows(lot.lotId);
  expect(holdRows.filter((x) => x.status === "ACTIVE").map((x) => x.user_id)).toEqual([
    replay.leader!.userId,
  ]);
  expect(holdRows.every((x) => ["ACTIVE", "RELEASED", "FAILED"].includes(x.status))).toBe(true);

  console.log(
    `[concurrency] 300 bids on one lot in ${elapsed} ms (${Math.round(300_000 / elapsed)} bids/s): ` +
      `${accepted.length} accepted, answers ${JSON.stringify(Object.fromEntries(statuses))}, ` +
      `final price ${replay.price}, ${holdRows.length} holds asked`,
  );
}, 90_000);

it("a hot lot: 60 bidders at the same next minimum at once → one accepted, the rest BID_TOO_LOW, and only the bids the gate admitted asked the bank for a hold", async () => {
  const lot = await h.openLot();
  const bidders = await Promise.all(Array.from({ length: 60 }, () => h.bidder({ balance: 5_000_000_000 })));
  const answers = await Promise.all(
    bidders.map((b) => h.bid(lot.lotId, b.token, { amount: 100_000 }, `hot-${randomUUID()}`)),
  );
  const codes = answers.map((r) => (r.statusCode === 201 ? "ACCEPTED" : (r.json() as { code: string }).code));
  expect(codes.filter((c) => c === "ACCEPTED")).toHaveLength(1);
  expect(codes.filter((c) => c === "BID_TOO_LOW")).toHaveLength(59);
  // BIDS_PER_LOT (4) bids of the lot are on the money path at once; a bid admitted after the price
  // moved is refused before any hold. Without the gate, every one of the 60 would have held funds.
  const holdRows = await h.holdRows(lot.lotId);
  expect(holdRows.length).toBeGreaterThanOrEqual(1);
  expect(holdRows.length).toBeLessThanOrEqual(8);
  await h.drained(30_000);
  const pending = (
    await Promise.all(
      bidders.map(async (b) => (await h.bankHolds(b.accountId)).filter((x) => x.status === "PENDING")),
    )
  ).flat();
  expect(pending).toHaveLength(1);
  console.log(`[concurrency] hot lot: 60 bids at once, ${holdRows.length} bank holds asked`);
}, 90_000);
