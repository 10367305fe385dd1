/**
 * The invariant checker: reads every service's data (as postgres, on the chaos database), the bus (DLQ,
 * consumers), the SMTP sink and the workload's record of every answer, and checks DESIGN.md's six
 * invariants. Prints a table; `ok` is false on any violation.
 *
 *   npx tsx test/chaos/invariants.ts --db <postgres url> --nats <url> --prefix <NATS_PREFIX> \
 *     [--records <workload.json>]
 * checks a system that is still there (exit 1 on a violation). `npm run chaos` calls it in process.
 */
import { readFileSync } from "node:fs";
import {
  type BidState,
  closeOutcome,
  type IncrementTier,
  isRejection,
  premiumOf,
  replayBids,
  resolveBid,
  softClose,
} from "@arte/auction/modules/bidding/bidding.domain.js";
import { type Bus, connectBus, listDeadLetters } from "@arte/platform";
import pg from "pg";
import type { WorkloadResult } from "./workload.js";

export type Check = {
  invariant: string;
  name: string;
  checked: number;
  violations: number;
  examples: string[];
};

export type CheckContext = {
  sql: <T = Record<string, unknown>>(q: string, params?: unknown[]) => Promise<T[]>;
  bus: Bus;
  natsPrefix: string;
  /** Message-IDs of every mail at the SMTP sink (undefined: sink not known) */
  sinkMessageIds?: string[];
};

const FINAL = new Set(["SOLD", "UNSOLD", "CANCELLED"]);
const SCHEMAS = ["users", "notification", "bank", "catalog", "auction", "history", "payment"];

class Checks {
  list: Check[] = [];
  add(invariant: string, name: string) {
    const c: Check = { invariant, name, checked: 0, violations: 0, examples: [] };
    this.list.push(c);
    return {
      ok: () => {
        c.checked++;
      },
      bad: (why: string) => {
        c.checked++;
        c.violations++;
        if (c.examples.length < 5) c.examples.push(why);
      },
      /** check one thing: true is fine */
      that: (fine: boolean, why: () => string) => {
        c.checked++;
        if (!fine) {
          c.violations++;
          if (c.examples.length < 5) c.examples.push(why());
        }
      },
    };
  }
}

type LotRow = {
  id: string;
  status: string;
  start_price: number;
  reserve_price: number | null;
  buy_now_price: number | null;
  increments: IncrementTier[];
  soft_close_seconds: number;
  premium_bps: number;
  starts_at: Date;
  ends_at: Date;
  scheduled_ends_at: Date;
  current_price: number;
  bid_count: number;
  leader_user_id: string | null;
  leader_max: number | null;
  hammer_price: number | null;
  premium: number | null;
  closed_at: Date | null;
  version: number;
};
type BidRow = {
  id: string;
  lot_id: string;
  seq: number;
  user_id: string;
  amount: number;
  max_amount: number;
  kind: string;
  price_after: number;
  leading_after: boolean;
  created_at: Date;
};

export async function checkInvariants(ctx: CheckContext, w: WorkloadResult | null) {
  const checks = new Checks();
  const { sql } = ctx;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

  const lots = (await sql<LotRow>("select * from auction.lot order by starts_at, id")).map((l) => ({
    ...l,
    start_price: Number(l.start_price),
    reserve_price: num(l.reserve_price),
    buy_now_price: num(l.buy_now_price),
    current_price: Number(l.current_price),
    leader_max: num(l.leader_max),
    hammer_price: num(l.hammer_price),
    premium: num(l.premium),
  }));
  const bids = (await sql<BidRow>("select * from auction.bid order by lot_id, seq")).map((b) => ({
    ...b,
    amount: Number(b.amount),
    max_amount: Number(b.max_amount),
    price_after: Number(b.price_after),
  }));
  const bidsByLot = new Map<string, BidRow[]>();
  for (const b of bids) bidsByLot.set(b.lot_id, [...(bidsByLot.get(b.lot_id) ?? []), b]);
  const bidById = new Map(bids.map((b) => [b.id, b]));

  // ---------------------------------------------------------------- 1. accepted ⇔ in the history once
  const historyRows = await sql<{
    bid_id: string;
    n: number;
    lot_id: string;
    amount: string;
    user_id: string;
  }>(
    "select bid_id, lot_id, amount, user_id, count(*) over (partition by bid_id)::int as n from history.bid",
  );
  const historyById = new Map(historyRows.map((h) => [h.bid_id, h]));
  const idem = await sql<{ scope: string; key: string; bid_id: string | null; ok: boolean | null }>(
    `select scope, key, response->'bid'->>'bidId' as bid_id, (response->>'ok')::boolean as ok
       from auction.idempotency_key where scope like 'bid:%'`,
  );
  const keyOfBid = new Map<string, string[]>();
  for (const k of idem) if (k.bid_id) keyOfBid.set(k.bid_id, [...(keyOfBid.get(k.bid_id) ?? []), k.key]);

  const acceptedByKey = new Map<string, string>();
  const answeredKeys = new Set<string>();
  const oneAnswer = checks.add("1", "one key, one answer (retries and double submits agree)");
  if (w) {
    for (const b of w.bids) {
      if (b.answers.length) answeredKeys.add(b.key);
      const first = b.answers[0];
      for (const a of b.answers.slice(1))
        oneAnswer.that(
          a.status === first!.status && a.bidId === first!.bidId && a.code === first!.code,
          () =>
            `key ${b.key}: ${first!.status}/${first!.bidId ?? first!.code} then ${a.status}/${a.bidId ?? a.code}`,
        );
      if (b.answers.length <= 1) oneAnswer.ok();
      const acc = b.answers.find((a) => a.status === 201);
      if (acc?.bidId) acceptedByKey.set(b.key, acc.bidId);
    }
  }
  const accepted = new Set(acceptedByKey.values());
  const inAuction = checks.add("1", "every accepted bid is in auction.bid exactly once");
  const inHistory = checks.add("1", "every accepted bid is in the history service exactly once");
  for (const id of accepted) {
    inAuction.that(bidById.has(id), () => `accepted bid ${id} is not in auction.bid`);
    const h = historyById.get(id);
    inHistory.that(h?.n === 1, () => `accepted bid ${id}: ${h?.n ?? 0} history rows`);
  }
  const historyMatches = checks.add("1", "auction.bid and history.bid hold the same bids");
  for (const b of bids) {
    const h = historyById.get(b.id);
    historyMatches.that(
      !!h && h.n === 1 && h.lot_id === b.lot_id && Number(h.amount) === b.amount && h.user_id === b.user_id,
      () => `bid ${b.id}: history ${h ? `${h.n} row(s), amount ${h.amount}` : "missing"}`,
    );
  }
  for (const h of historyRows)
    if (!bidById.has(h.bid_id)) historyMatches.bad(`history bid ${h.bid_id} is not an auction bid`);
  // The workload's own lots (the launcher's demo lots and their bids are not the client's).
  const ours = new Set(w?.lots.map((l) => l.lotId) ?? []);
  const noAnswerNoBid = checks.add("1", "no answer, no bid (each bid row's key was answered 201 with it)");
  for (const b of bids) {
    const keys = keyOfBid.get(b.id) ?? [];
    if (keys.length !== 1) {
      noAnswerNoBid.bad(`bid ${b.id}: ${keys.length} stored answers`);
      continue;
    }
    if (!w || !ours.has(b.lot_id)) {
      noAnswerNoBid.ok();
      continue;
    }
    noAnswerNoBid.that(
      acceptedByKey.get(keys[0]!) === b.id,
      () =>
        `bid ${b.id} (key ${keys[0]}): the client ${answeredKeys.has(keys[0]!) ? "got another answer" : "never got an answer"}`,
    );
  }
  if (w) {
    const gaveUp = checks.add("1", "every bid the client sent got a definite answer");
    for (const b of w.bids)
      gaveUp.that(!b.unanswered, () => `key ${b.key}: no answer after ${b.attempts} attempts`);
  }

  // --------------------------------------------------- 2 and 3. price, winner, window — replayed by the rules
  const replay = checks.add(
    "2",
    "price, leader and outcome follow from the accepted bids (replayBids/resolveBid)",
  );
  const window = checks.add("3", "every bid inside [startsAt, endsAt) of its lot at that moment");
  const historyLots = new Map(
    (
      await sql<{ lot_id: string; status: string; current_price: string; winner_user_id: string | null }>(
        "select lot_id, status, current_price, winner_user_id from history.lot",
      )
    ).map((h) => [h.lot_id, h]),
  );
  const closingLag: number[] = [];
  const slowCloses: { lotId: string; endsAt: string; lateMs: number }[] = [];
  for (const lot of lots) {
    const lb = bidsByLot.get(lot.id) ?? [];
    const initial = {
      startPrice: lot.start_price,
      reserve: lot.reserve_price,
      buyNow: lot.buy_now_price,
      increments: lot.increments,
    };
    const inputs = lb.map((b) => ({ userId: b.user_id, amount: b.amount, maxAmount: b.max_amount }));
    const whole = replayBids(initial, inputs);
    // step by step: each bid accepted by the rules, with the recorded price/leading, inside the window
    let state: BidState = { ...initial, price: lot.start_price, leader: null };
    let endsAt = lot.scheduled_ends_at;
    const problems: string[] = [];
    lb.forEach((b, i) => {
      if (b.seq !== i + 1) problems.push(`seq ${b.seq} at position ${i + 1}`);
      const at = b.created_at.getTime();
      window.that(
        at >= lot.starts_at.getTime() && at < endsAt.getTime(),
        () =>
          `lot ${lot.id} bid ${b.seq} at ${b.created_at.toISOString()} outside [${lot.starts_at.toISOString()}, ${endsAt.toISOString()})`,
      );
      const res = resolveBid(state, { userId: b.user_id, amount: b.amount, maxAmount: b.max_amount });
      if (isRejection(res)) {
        problems.push(`bid ${b.seq} would be rejected (${res.code})`);
        return;
      }
      if (res.price !== b.price_after || res.bidderLeads !== b.leading_after || res.kind !== b.kind)
        problems.push(
          `bid ${b.seq}: recorded ${b.kind} price ${b.price_after} leading ${b.leading_after}, rules ${res.kind} ${res.price} ${res.bidderLeads}`,
        );
      if (res.moved && !res.closesLot)
        endsAt = softClose(b.created_at, endsAt, lot.soft_close_seconds).endsAt;
      state = { ...state, price: res.price, leader: res.leader };
    });
    if (whole.rejected) problems.push(`${whole.rejected} bid(s) rejected on replay`);
    if (lb.length !== lot.bid_count) problems.push(`bid_count ${lot.bid_count}, ${lb.length} bids`);
    if (lb.length) {
      if (whole.price !== lot.current_price)
        problems.push(`price ${lot.current_price}, replay ${whole.price}`);
      if (whole.leader?.userId !== lot.leader_user_id || whole.leader?.max !== lot.leader_max)
        problems.push(
          `leader ${lot.leader_user_id}/${lot.leader_max}, replay ${whole.leader?.userId}/${whole.leader?.max}`,
        );
    }
    if (endsAt.getTime() !== lot.ends_at.getTime())
      problems.push(`ends_at ${lot.ends_at.toISOString()}, replay ${endsAt.toISOString()}`);
    if (lot.status === "SOLD" || lot.status === "UNSOLD") {
      const out = closeOutcome(
        { price: whole.price, leader: whole.leader, reserve: lot.reserve_price },
        lot.premium_bps,
      );
      if (out.status !== lot.status) problems.push(`status ${lot.status}, rules ${out.status}`);
      if (out.status === "SOLD" && (lot.hammer_price !== out.hammerPrice || lot.premium !== out.premium))
        problems.push(`hammer ${lot.hammer_price}+${lot.premium}, rules ${out.hammerPrice}+${out.premium}`);
      // closed at or after the end (buy-now closes at once), never before it
      const buyNow = lb.at(-1)?.kind === "BUY_NOW";
      if (lot.closed_at && !buyNow) {
        if (lot.closed_at.getTime() < lot.ends_at.getTime())
          problems.push(`closed ${lot.closed_at.toISOString()} before its end`);
        if (ours.has(lot.id)) {
          closingLag.push(lot.closed_at.getTime() - lot.ends_at.getTime());
          slowCloses.push({
            lotId: lot.id,
            endsAt: lot.ends_at.toISOString(),
            lateMs: lot.closed_at.getTime() - lot.ends_at.getTime(),
          });
        }
      }
    }
    const h = historyLots.get(lot.id);
    if (FINAL.has(lot.status) && lot.status !== "CANCELLED") {
      if (!h) problems.push("no history lot");
      else {
        if (h.status !== lot.status) problems.push(`history status ${h.status}`);
        if (Number(h.current_price) !== lot.current_price) problems.push(`history price ${h.current_price}`);
        if (lot.status === "SOLD" && h.winner_user_id !== lot.leader_user_id)
          problems.push(`history winner ${h.winner_user_id}`);
      }
    }
    replay.that(problems.length === 0, () => `lot ${lot.id}: ${problems.slice(0, 3).join("; ")}`);
  }

  // -------------------------------------------------------------- 4. settlement: one invoice, one charge
  const invoices = await sql<{
    id: string;
    lot_id: string;
    status: string;
    buyer_user_id: string;
    hammer: string;
    premium: string;
    total: string;
    bank_hold_id: string | null;
  }>("select * from payment.invoice");
  const holds = await sql<{
    id: string;
    account_id: string;
    amount: string;
    reference: string;
    status: string;
    captured_amount: string | null;
    ended_at: Date | null;
  }>("select id, account_id, amount, reference, status, captured_amount, ended_at from bank.hold");
  const captures = await sql<{ id: string; hold_id: string; amount: string; debit_account_id: string }>(
    "select id, hold_id, amount, debit_account_id from bank.transfer where kind = 'CAPTURE'",
  );
  const capturesByHold = new Map<string, number>();
  for (const c of captures) capturesByHold.set(c.hold_id, (capturesByHold.get(c.hold_id) ?? 0) + 1);
  const lotOfRef = (ref: string) => /^lot:([0-9a-f-]{36}):/.exec(ref)?.[1];
  const holdsByLot = new Map<string, typeof holds>();
  for (const h of holds) {
    const l = lotOfRef(h.reference);
    if (l) holdsByLot.set(l, [...(holdsByLot.get(l) ?? []), h]);
  }
  const winnerHolds = new Map(
    (
      await sql<{ lot_id: string; bank_hold_id: string }>(
        "select lot_id, bank_hold_id from auction.bid_hold where status = 'WON'",
      )
    ).map((r) => [r.lot_id, r.bank_hold_id]),
  );
  const settle = checks.add(
    "4",
    "each sold lot: one invoice, PAID, the winner charged once, other holds released",
  );
  const unsoldClean = checks.add(
    "4",
    "unsold and cancelled lots: no invoice, no charge, every hold released",
  );
  for (const lot of lots.filter((l) => FINAL.has(l.status))) {
    const inv = invoices.filter((i) => i.lot_id === lot.id);
    const lh = holdsByLot.get(lot.id) ?? [];
    const captured = lh.filter((h) => (capturesByHold.get(h.id) ?? 0) > 0);
    if (lot.status === "SOLD") {
      const p: string[] = [];
      if (inv.length !== 1) p.push(`${inv.length} invoices`);
      const i = inv[0];
      if (i) {
        if (i.status !== "PAID") p.push(`invoice ${i.status}`);
        if (i.buyer_user_id !== lot.leader_user_id) p.push("buyer is not the winner");
        if (
          Number(i.hammer) !== lot.hammer_price ||
          Number(i.premium) !== premiumOf(lot.hammer_price!, lot.premium_bps)
        )
          p.push(`invoice ${i.hammer}+${i.premium} for hammer ${lot.hammer_price}`);
        if (Number(i.total) !== Number(i.hammer) + Number(i.premium)) p.push("total ≠ hammer + premium");
        if (i.bank_hold_id !== winnerHolds.get(lot.id)) p.push("invoice hold is not the winner's hold");
      }
      const lotCaptures = captures.filter((c) => lh.some((h) => h.id === c.hold_id));
      if (lotCaptures.length !== 1) p.push(`${lotCaptures.length} captures`);
      else if (
        i &&
        (lotCaptures[0]!.hold_id !== i.bank_hold_id || Number(lotCaptures[0]!.amount) !== Number(i.total))
      )
        p.push(`capture ${lotCaptures[0]!.amount} of hold ${lotCaptures[0]!.hold_id}`);
      const others = lh.filter((h) => h.id !== i?.bank_hold_id && h.status !== "RELEASED");
      if (others.length) p.push(`${others.length} other hold(s) not released (${others[0]!.status})`);
      settle.that(p.length === 0, () => `lot ${lot.id}: ${p.join("; ")}`);
    } else {
      const p: string[] = [];
      if (inv.length) p.push(`${inv.length} invoice(s)`);
      if (captured.length) p.push(`${captured.length} capture(s)`);
      const open = lh.filter((h) => h.status !== "RELEASED");
      if (open.length) p.push(`${open.length} hold(s) ${open[0]!.status}`);
      unsoldClean.that(p.length === 0, () => `${lot.status} lot ${lot.id}: ${p.join("; ")}`);
    }
  }
  const orphanInvoices = invoices.filter((i) => !lots.some((l) => l.id === i.lot_id && l.status === "SOLD"));
  for (const i of orphanInvoices) settle.bad(`invoice ${i.id} for a lot that is not SOLD`);

  // ---------------------------------------------------------------------------- 5. the ledger balances
  const [sums] = await sql<{ posted: string; n: number }>(
    "select coalesce(sum(posted), 0)::text as posted, count(*)::int as n from bank.account",
  );
  const ledger = checks.add(
    "5",
    "Σ posted = 0; posted = journal; held = pending holds; available ≥ 0 (but CASH)",
  );
  ledger.that(sums!.posted === "0", () => `Σ posted = ${sums!.posted}`);
  const accounts = await sql<{
    id: string;
    kind: string;
    posted: string;
    held: string;
    journal: string;
    pending: string;
  }>(`
    select a.id, a.kind, a.posted::text, a.held::text,
      (coalesce((select sum(amount) from bank.transfer t where t.credit_account_id = a.id), 0)
        - coalesce((select sum(amount) from bank.transfer t where t.debit_account_id = a.id), 0))::text as journal,
      coalesce((select sum(amount) from bank.hold h where h.account_id = a.id and h.status = 'PENDING'), 0)::text as pending
    from bank.account a`);
  for (const a of accounts) {
    const p: string[] = [];
    if (a.posted !== a.journal) p.push(`posted ${a.posted} ≠ journal ${a.journal}`);
    if (a.held !== a.pending) p.push(`held ${a.held} ≠ pending holds ${a.pending}`);
    if (a.kind !== "CASH" && BigInt(a.posted) - BigInt(a.held) < 0n)
      p.push(`available ${BigInt(a.posted) - BigInt(a.held)}`);
    ledger.that(p.length === 0, () => `account ${a.id}: ${p.join("; ")}`);
  }
  const holdEnds = checks.add(
    "5",
    "every hold ends at most once (status, capture transfer, one ending event)",
  );
  const endEvents = new Map(
    (
      await sql<{ hold_id: string; n: number }>(
        `select payload->'data'->>'holdId' as hold_id, count(*)::int as n from bank.outbox
          where subject in ('bank.hold.released.v1', 'bank.hold.captured.v1') group by 1`,
      )
    ).map((r) => [r.hold_id, r.n]),
  );
  for (const h of holds) {
    const caps = capturesByHold.get(h.id) ?? 0;
    const ends = endEvents.get(h.id) ?? 0;
    const p: string[] = [];
    if (h.status === "CAPTURED" && caps !== 1) p.push(`CAPTURED with ${caps} capture transfers`);
    if (h.status !== "CAPTURED" && caps !== 0) p.push(`${h.status} with ${caps} capture transfers`);
    if ((h.status === "PENDING") !== (h.ended_at === null)) p.push(`${h.status} with ended_at ${h.ended_at}`);
    if (ends !== (h.status === "PENDING" ? 0 : 1)) p.push(`${h.status} with ${ends} ending events`);
    holdEnds.that(p.length === 0, () => `hold ${h.id}: ${p.join("; ")}`);
  }
  const endedLotHolds = checks.add("5", "no pending hold on an ended lot (winners are captured)");
  for (const lot of lots.filter((l) => FINAL.has(l.status)))
    for (const h of holdsByLot.get(lot.id) ?? [])
      endedLotHolds.that(h.status !== "PENDING", () => `${lot.status} lot ${lot.id}: hold ${h.id} PENDING`);
  const auctionHolds = checks.add(
    "5",
    "auction hold rows settled (none REQUESTED/RELEASING; ACTIVE only on the leader of an open lot)",
  );
  for (const r of await sql<{ id: string; status: string; lot_status: string }>(
    `select h.id, h.status, l.status as lot_status from auction.bid_hold h join auction.lot l on l.id = h.lot_id`,
  ))
    auctionHolds.that(
      !["REQUESTED", "RELEASING"].includes(r.status) && !(r.status === "ACTIVE" && FINAL.has(r.lot_status)),
      () => `hold row ${r.id}: ${r.status} on a ${r.lot_status} lot`,
    );

  // ------------------------------------------------ 6. published at least once, applied at most once
  const drained = checks.add("6", "every outbox drained (published_at set)");
  for (const s of SCHEMAS) {
    const [o] = await sql<{ n: number }>(
      `select count(*)::int as n from "${s}".outbox where published_at is null`,
    );
    drained.that(o!.n === 0, () => `${s}: ${o!.n} unpublished`);
  }
  const caughtUp = checks.add("6", "every durable consumer caught up (nothing pending or unacked)");
  const streams: string[] = [];
  for await (const st of ctx.bus.jsm.streams.list())
    if (st.config.name.startsWith(`${ctx.natsPrefix}_`)) streams.push(st.config.name);
  for (const st of streams)
    for await (const c of ctx.bus.jsm.consumers.list(st)) {
      if (!c.config.durable_name) continue;
      caughtUp.that(
        c.num_pending === 0 && c.num_ack_pending === 0,
        () => `${c.config.durable_name}: ${c.num_pending} pending, ${c.num_ack_pending} unacked`,
      );
    }
  const dlq = checks.add("6", "nothing unexplained in the DLQ stream");
  const dead = await listDeadLetters(ctx.bus, { limit: 10_000 }).catch(() => []);
  const unknownEmails = new Set(
    (
      await sql<{ event_id: string }>(
        "select event_id from notification.sent_message where status = 'UNKNOWN'",
      )
    ).map((r) => r.event_id),
  );
  const explainedDlq: string[] = [];
  for (const d of dead) {
    let eventId = "";
    try {
      eventId = JSON.parse(new TextDecoder().decode(d.data)).id;
    } catch {
      // not JSON
    }
    // By design (notification README): an email whose send was cut by kill -9 is UNKNOWN, dead-lettered,
    // never resent.
    const explained =
      d.durable.startsWith("notification--") &&
      /stopped mid-send|outcome unknown/.test(d.reason) &&
      unknownEmails.has(eventId);
    if (explained) explainedDlq.push(`${d.durable}: ${d.reason.slice(0, 80)}`);
    dlq.that(
      explained,
      () => `${d.durable} (${d.originalSubject}, ${d.deliveries} deliveries): ${d.reason.slice(0, 160)}`,
    );
  }
  if (!dead.length) dlq.ok();
  const lotsFinal = checks.add("6", "every lot past its end (and every workload lot) in a final state");
  const [{ now }] = (await sql<{ now: Date }>("select now() as now")) as [{ now: Date }];
  for (const l of lots)
    if (ours.has(l.id) || l.ends_at.getTime() < now.getTime())
      lotsFinal.that(FINAL.has(l.status), () => `lot ${l.id}: ${l.status}, ends ${l.ends_at.toISOString()}`);
  const emails = checks.add("6", "every email at most once (sent_message per event/template; SMTP sink)");
  const dup = await sql<{ event_id: string; template: string; n: number }>(
    `select event_id, template, count(*)::int as n from notification.sent_message group by 1, 2 having count(*) > 1`,
  );
  for (const d of dup) emails.bad(`${d.template} for event ${d.event_id}: ${d.n} rows`);
  const [msgCount] = await sql<{ n: number; sent: number }>(
    "select count(*)::int as n, count(*) filter (where status = 'SENT')::int as sent from notification.sent_message",
  );
  for (let i = 0; i < msgCount!.n - dup.length; i++) emails.ok();
  if (ctx.sinkMessageIds) {
    const seen = new Map<string, number>();
    for (const id of ctx.sinkMessageIds) seen.set(id, (seen.get(id) ?? 0) + 1);
    for (const [id, n] of seen) emails.that(n === 1, () => `${id} arrived ${n} times at the SMTP sink`);
  }

  const ok = checks.list.every((c) => c.violations === 0);
  closingLag.sort((a, b) => a - b);
  return {
    ok,
    checks: checks.list,
    facts: {
      lots: lots.length,
      byStatus: Object.fromEntries(
        [...new Set(lots.map((l) => l.status))].map((s) => [s, lots.filter((l) => l.status === s).length]),
      ),
      bidRows: bids.length,
      historyRows: historyRows.length,
      invoices: invoices.length,
      holds: holds.length,
      captures: captures.length,
      accounts: Number(sums!.n),
      emailsRecorded: msgCount!.n,
      emailsSent: msgCount!.sent,
      emailsUnknown: unknownEmails.size,
      emailsAtSink: ctx.sinkMessageIds?.length ?? null,
      deadLetters: dead.length,
      explainedDeadLetters: explainedDlq,
      slowestCloses: slowCloses.sort((a, b) => b.lateMs - a.lateMs).slice(0, 3),
      closingLagMs: closingLag.length
        ? { p50: closingLag[Math.floor(closingLag.length / 2)], max: closingLag.at(-1) }
        : null,
    },
  };
}
export type InvariantReport = Awaited<ReturnType<typeof checkInvariants>>;

/** The report as a plain-text table. */
export function formatTable(report: InvariantReport): string {
  const rows = report.checks.map((c) => [
    c.invariant,
    c.name,
    String(c.checked),
    String(c.violations),
    c.violations ? "FAIL" : "ok",
  ]);
  const head = ["#", "check", "checked", "violations", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const out = [line(head), widths.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)];
  for (const c of report.checks.filter((c) => c.violations))
    for (const e of c.examples) out.push(`  ✗ [${c.invariant}] ${e}`);
  return out.join("\n");
}

async function main(argv: string[]) {
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dbUrl = opt("--db");
  if (!dbUrl) {
    console.error(
      "usage: tsx test/chaos/invariants.ts --db <url> --nats <url> --prefix <prefix> [--records <file>]",
    );
    return 2;
  }
  const prefix = opt("--prefix") ?? "";
  const bus = await connectBus({
    url: opt("--nats") ?? "nats://127.0.0.1:4222",
    name: "chaos-check",
    prefix,
  });
  const records = opt("--records");
  try {
    const report = await checkInvariants(
      {
        sql: async (q, params = []) => {
          const c = new pg.Client({ connectionString: dbUrl });
          c.on("error", () => {});
          await c.connect();
          try {
            return (await c.query(q, params)).rows;
          } finally {
            await c.end();
          }
        },
        bus,
        natsPrefix: prefix,
      },
      records ? (JSON.parse(readFileSync(records, "utf8")) as WorkloadResult) : null,
    );
    console.log(formatTable(report));
    console.log(JSON.stringify(report.facts, null, 2));
    return report.ok ? 0 : 1;
  } finally {
    await bus.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2)).then((c) => process.exit(c));
