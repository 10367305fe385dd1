import { randomUUID } from "node:crypto";
import { auction } from "@arte/contracts";
import { eventually, readStream } from "@arte/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startAuction } from "../../../test/harness.js";
import { DEFAULT_INCREMENTS, replayBids } from "../bidding/bidding.domain.js";
import { insertRequestedHold } from "../holds/holds.repository.js";
import { createScheduler } from "./scheduler.js";

let h: Harness;
beforeAll(async () => {
  // The production tick (100 ms): the close-time numbers below are the service's own.
  h = await startAuction({ schedulerTickMs: 100 });
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const code = (res: { json(): unknown }) => (res.json() as { code: string }).code;

async function lotAt(startsInMs: number, durationMs: number, body: Record<string, unknown> = {}) {
  return h.createLot({ startsInMs, durationMs, body: { softCloseSeconds: 0, ...body } });
}

async function waitStatus(lotId: string, status: string[], timeoutMs = 5000) {
  return eventually(async () => {
    const row = await h.lotRow(lotId);
    return status.includes(row.status) ? row : null;
  }, timeoutMs);
}

describe("the scheduler", () => {
  it("opens and closes lots on time (closing within 1 s of endsAt); no bids → UNSOLD", async () => {
    const lots = await Promise.all(Array.from({ length: 5 }, (_, i) => lotAt(200, 700 + i * 100)));
    const late: number[] = [];
    for (const lot of lots) {
      const row = await waitStatus(lot.lotId, ["UNSOLD"], 5000);
      late.push(row.closed_at!.getTime() - row.ends_at.getTime());
    }
    for (const ms of late) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(1000);
    }
    console.log(`[close-time] lateness after endsAt (ms): ${late.join(", ")}`);
    const changes = await h.db
      .selectFrom("lot_change")
      .select(["version", "kind"])
      .where("lot_id", "=", lots[0]!.lotId)
      .orderBy("version")
      .execute();
    expect(changes.map((c) => c.kind)).toEqual(["SCHEDULED", "OPENED", "CLOSED", "UNSOLD"]);
    expect(changes.map((c) => Number(c.version))).toEqual([1, 2, 3, 4]);
  });

  it("sells to the leader at close (winner's hold WON and still held); releases every other hold", async () => {
    const a = await h.bidder();
    const b = await h.bidder();
    const lot = await lotAt(150, 2000);
    await sleep(Date.parse(lot.startsAt as string) - Date.now());
    await h.bid(lot.lotId, a.token, { amount: 100_000, maxAmount: 300_000 });
    await h.bid(lot.lotId, b.token, { amount: 200_000 });
    const row = await waitStatus(lot.lotId, ["SOLD"], 5000);
    expect(row).toMatchObject({ hammer_price: 210_000, premium: 31_500, leader_user_id: a.userId });
    await h.drained();
    expect((await h.holdRows(lot.lotId)).map((x) => [x.user_id === a.userId ? "a" : "b", x.status])).toEqual([
      ["a", "WON"],
      ["b", "RELEASED"],
    ]);
    expect((await h.balance(a.accountId)).held).toBe(345_000);
    expect((await h.balance(b.accountId)).held).toBe(0);
    // the events went out, in version order, the sale with what settlement needs
    const sold = (
      await readStream(h.bus, h.bus.stream("AUCTION"), h.bus.subject(auction.LotSoldV1.shape.type.value))
    )
      .map((m) => m.json<{ data: Record<string, unknown> }>().data)
      .filter((d) => d.lotId === lot.lotId);
    expect(sold).toHaveLength(1);
    expect(sold[0]).toMatchObject({
      status: "SOLD",
      currentPrice: 210_000,
      winnerUserId: a.userId,
      hammerPrice: 210_000,
      premium: 31_500,
      bankHoldId: (await h.bankHolds(a.accountId))[0]!.holdId,
    });
  });

  it("reserve not met → UNSOLD and every hold released", async () => {
    const a = await h.bidder();
    const lot = await lotAt(150, 1500, { reservePrice: 1_000_000 });
    await sleep(Date.parse(lot.startsAt as string) - Date.now());
    await h.bid(lot.lotId, a.token, { amount: 100_000, maxAmount: 500_000 });
    const row = await waitStatus(lot.lotId, ["UNSOLD"], 5000);
    expect(row.outcome_reason).toBe("RESERVE_NOT_MET");
    await h.drained();
    expect((await h.bankHolds(a.accountId)).map((x) => x.status)).toEqual(["RELEASED"]);
  });

  it("bids racing endsAt: none accepted at or after it; the price follows from the accepted ones", async () => {
    const bidders = await Promise.all(Array.from({ length: 6 }, () => h.bidder()));
    const lot = await lotAt(150, 1500);
    await sleep(Date.parse(lot.startsAt as string) - Date.now());
    const endsAt = Date.parse(lot.endsAt as string);
    let amount = 100_000;
    const answers: { status: number; code?: string }[] = [];
    // keep bidding from several bidders until well past the end
    await Promise.all(
      bidders.map(async (b) => {
        while (Date.now() < endsAt + 400) {
          amount += 10_000;
          const res = await h.bid(lot.lotId, b.token, { amount });
          answers.push({ status: res.statusCode, code: res.statusCode === 201 ? undefined : code(res) });
        }
      }),
    );
    const row = await waitStatus(lot.lotId, ["SOLD"], 5000);
    const bids = await h.db
      .selectFrom("bid")
      .selectAll()
      .where("lot_id", "=", lot.lotId)
      .orderBy("seq")
      .execute();
    for (const b of bids) expect(b.created_at.getTime()).toBeLessThan(row.ends_at.getTime());
    expect(answers.some((a) => a.code === "LOT_ENDED")).toBe(true);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(bids.length);
    const replay = replayBids(
      { startPrice: 100_000, reserve: null, buyNow: null, increments: DEFAULT_INCREMENTS },
      bids.map((b) => ({ userId: b.user_id, amount: b.amount })),
    );
    expect([row.hammer_price, row.leader_user_id]).toEqual([replay.price, replay.leader!.userId]);
  });

  it("soft close: a late bid moves the end, and the scheduler closes at the new end", async () => {
    const a = await h.bidder();
    // the whole lot lies in the 2 s window: any bid extends it
    const lot = await lotAt(150, 1500, { softCloseSeconds: 2 });
    await sleep(Date.parse(lot.startsAt as string) - Date.now());
    const res = await h.bid(lot.lotId, a.token, { amount: 100_000 });
    expect(res.json()).toMatchObject({ extended: true });
    const newEnd = Date.parse((res.json() as { endsAt: string }).endsAt);
    await sleep(Date.parse(lot.endsAt as string) - Date.now() + 300);
    expect((await h.lotRow(lot.lotId)).status).toBe("OPEN");
    const row = await waitStatus(lot.lotId, ["SOLD"], 5000);
    expect(row.ends_at.getTime()).toBe(newEnd);
    expect(row.closed_at!.getTime()).toBeGreaterThanOrEqual(newEnd);
  });

  it("a failing lot does not hold up the others, and closes once it can", async () => {
    const lots = await Promise.all([lotAt(150, 600), lotAt(150, 600), lotAt(150, 600)]);
    const bad = lots[1]!.lotId;
    await sql`create or replace function fail_lot() returns trigger language plpgsql as $$
      begin raise exception 'injected failure for %', new.id; end $$`.execute(h.db);
    await sql
      .raw(`create trigger fail_lot before update on lot for each row
      when (new.id = '${bad}' and new.status = 'CLOSED') execute function fail_lot()`)
      .execute(h.db);
    try {
      await waitStatus(lots[0]!.lotId, ["UNSOLD"]);
      await waitStatus(lots[2]!.lotId, ["UNSOLD"]);
      expect((await h.lotRow(bad)).status).toBe("OPEN");
    } finally {
      await sql`drop trigger fail_lot on lot`.execute(h.db);
    }
    await waitStatus(bad, ["UNSOLD"], 5000);
  });

  it("several schedulers (instances) move each lot exactly once", async () => {
    const extra = [
      createScheduler({ db: h.db, log: h.log, tickMs: 20 }),
      createScheduler({ db: h.db, log: h.log, tickMs: 20 }),
    ];
    for (const s of extra) s.start();
    try {
      const lots = await Promise.all(Array.from({ length: 12 }, () => lotAt(150, 500)));
      for (const lot of lots) await waitStatus(lot.lotId, ["UNSOLD"]);
      const ids = lots.map((l) => l.lotId);
      const r = await h.db
        .selectFrom("outbox")
        .select(["subject", (eb) => eb.fn.countAll<number>().as("n")])
        .where(sql<string>`payload->'data'->>'lotId'`, "in", ids)
        .groupBy("subject")
        .execute();
      const bySubject = Object.fromEntries(r.map((x) => [x.subject, Number(x.n)]));
      expect(bySubject).toEqual({
        "auction.lot.scheduled.v1": 12,
        "auction.lot.opened.v1": 12,
        "auction.lot.closed.v1": 12,
        "auction.lot.unsold.v1": 12,
      });
    } finally {
      await Promise.all(extra.map((s) => s.stop()));
    }
  });
});

describe("restart", () => {
  it("closes lots whose end passed while stopped, refusing late bids meanwhile; catches up lots it never opened", async () => {
    await h.stopJobs();
    const a = await h.bidder();
    const b = await h.bidder();
    const lot = await lotAt(100, 1200);
    const never = await lotAt(100, 300);
    await sleep(Date.parse(lot.startsAt as string) - Date.now());
    expect((await h.bid(lot.lotId, a.token, { amount: 100_000 })).statusCode).toBe(201);
    await sleep(Date.parse(lot.endsAt as string) - Date.now() + 100);
    // the scheduler is down: the lot is still OPEN, but the bid transaction knows the time
    expect((await h.lotRow(lot.lotId)).status).toBe("OPEN");
    const late = await h.bid(lot.lotId, b.token, { amount: 500_000 });
    expect([late.statusCode, code(late)]).toEqual([409, "LOT_ENDED"]);
    expect(code(await h.bid(never.lotId, b.token, { amount: 100_000 }))).toBe("LOT_ENDED");

    await h.restartJobs();
    const row = await waitStatus(lot.lotId, ["SOLD"], 3000);
    expect(row).toMatchObject({ hammer_price: 100_000, leader_user_id: a.userId, bid_count: 1 });
    const nrow = await waitStatus(never.lotId, ["UNSOLD"], 3000);
    expect(nrow.outcome_reason).toBe("NO_BIDS");
    const kinds = await h.db
      .selectFrom("lot_change")
      .select("kind")
      .where("lot_id", "=", never.lotId)
      .orderBy("version")
      .execute();
    expect(kinds.map((k) => k.kind)).toEqual(["SCHEDULED", "OPENED", "CLOSED", "UNSOLD"]);
    await h.drained();
    expect((await h.bankHolds(b.accountId)).filter((x) => x.status === "PENDING")).toHaveLength(0);
  });
});

describe("the hold reconciler", () => {
  it("releases a hold whose bid never got recorded (a crash between the bank call and the transaction)", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    // what a crashed request leaves: a REQUESTED row and a PENDING hold at the bank
    const row = await insertRequestedHold(h.db, {
      lotId: lot.lotId,
      userId: a.userId,
      accountId: a.accountId,
      amount: 115_000,
      clientKey: `k-${randomUUID()}`,
    });
    await h.bank.hold({
      accountId: a.accountId,
      amount: 115_000,
      reference: row.reference,
      key: row.bank_key,
    });
    // and one whose bank call never arrived
    const lost = await insertRequestedHold(h.db, {
      lotId: lot.lotId,
      userId: a.userId,
      accountId: a.accountId,
      amount: 115_000,
      clientKey: `k-${randomUUID()}`,
    });
    expect((await h.balance(a.accountId)).held).toBe(115_000);
    // young rows are left alone (their request may still be running)
    await h.jobs.reconciler.reconcile();
    expect((await h.holdRows(lot.lotId)).map((x) => x.status)).toEqual(["REQUESTED", "REQUESTED"]);
    await sql`update bid_hold set updated_at = now() - interval '1 hour'`.execute(h.db);
    await h.jobs.reconciler.reconcile();
    await h.drained();
    const rows = await h.holdRows(lot.lotId);
    expect(rows.find((x) => x.id === row.id)?.status).toBe("RELEASED");
    expect(rows.find((x) => x.id === lost.id)?.status).toBe("FAILED");
    expect((await h.balance(a.accountId)).held).toBe(0);
  });

  it("releases an ACTIVE hold that no longer backs the lead", async () => {
    const lot = await h.openLot();
    const a = await h.bidder();
    const b = await h.bidder();
    await h.bid(lot.lotId, a.token, { amount: 100_000 });
    // a stray ACTIVE row (as if a release had been lost): b leads, a's hold is still ACTIVE
    await h.bid(lot.lotId, b.token, { amount: 110_000 });
    await h.drained();
    const aHold = (await h.holdRows(lot.lotId)).find((x) => x.user_id === a.userId)!;
    await h.db.updateTable("bid_hold").set({ status: "RELEASED" }).where("id", "=", aHold.id).execute();
    await sql`update lot set leader_user_id = ${a.userId} where id = ${lot.lotId}`.execute(h.db);
    await h.jobs.reconciler.reconcile();
    const bHold = (await h.holdRows(lot.lotId)).find((x) => x.user_id === b.userId)!;
    expect(bHold.status).toBe("RELEASING");
    await h.drained();
    expect((await h.balance(b.accountId)).held).toBe(0);
  });
});
