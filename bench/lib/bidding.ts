/**
 * Bidders bidding through the gateway, and the raw-Postgres baseline of the minimal bid transaction.
 * Each bidder is one keep-alive connection bidding in a closed loop (optionally with a think time),
 * always at the lot's next minimum as known from the answers so far (accepted bids and BID_TOO_LOW
 * details). Contention answers (BID_TOO_LOW, ALREADY_LEADING) are expected and counted apart from
 * errors; an error is a 5xx or a network failure.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { http } from "./http.js";
import { quantile, round } from "./load.js";
import { pgbench } from "./pgbench.js";
import type { Bidder, Lot } from "./system.js";

type LotState = { nextMinimum: number; version: number; leader: number | null };

export type BidRun = {
  seconds: number;
  answers: number;
  accepted: number;
  tooLow: number;
  alreadyLeading: number;
  /** Other 4xx answers by code (none expected). */
  otherRejections: Record<string, number>;
  /** 5xx answers and network failures. */
  errors: number;
  /** Errors by HTTP status and code (`503 BANK_UNAVAILABLE`, `0 network`). */
  errorCodes: Record<string, number>;
  errorSamples: string[];
  acceptedPerSecond: number;
  answersPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  acceptedP50: number;
  acceptedP99: number;
};

export async function runBids(opts: {
  gatewayUrl: string;
  bidders: Bidder[];
  lots: Lot[];
  durationMs: number;
  /** Mean think time between one bidder's bids (exponential); 0 = as fast as it can. */
  thinkMs?: number;
}): Promise<BidRun> {
  const api = http(opts.gatewayUrl, { maxSockets: opts.bidders.length + 8 });
  const state = new Map<string, LotState>(
    opts.lots.map((l) => [l.lotId, { nextMinimum: l.nextMinimum, version: 0, leader: null }]),
  );
  const latencies: number[] = [];
  const acceptedLatencies: number[] = [];
  const otherRejections: Record<string, number> = {};
  const errorSamples: string[] = [];
  const errorCodes: Record<string, number> = {};
  let tooLow = 0;
  let alreadyLeading = 0;
  let errors = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const started = performance.now();
  const deadline = started + opts.durationMs;

  const pick = (me: number): Lot | null => {
    for (let tries = 0; tries < 8; tries++) {
      const lot = opts.lots[Math.floor(Math.random() * opts.lots.length)]!;
      if (state.get(lot.lotId)!.leader !== me) return lot;
    }
    return null;
  };

  await Promise.all(
    opts.bidders.map(async (b) => {
      // Paced bidders are Poisson sources from the start (an exponential first wait); unpaced ones
      // spread their first requests over 200 ms instead of one burst.
      const think = () => (opts.thinkMs ? -Math.log(1 - Math.random()) * opts.thinkMs : 0);
      const until = (ms: number) => sleep(Math.max(0, Math.min(ms, deadline - performance.now())));
      await until(opts.thinkMs ? think() : Math.random() * 200);
      while (performance.now() < deadline) {
        const lot = pick(b.index);
        if (!lot) {
          await sleep(5); // this bidder leads the lot(s) it may bid on: wait until someone outbids
          continue;
        }
        const s = state.get(lot.lotId)!;
        const amount = s.nextMinimum;
        const r = await api.request("POST", `/api/auction/v1/lots/${lot.lotId}/bids`, {
          token: b.token,
          body: { amount },
          headers: { "idempotency-key": randomUUID() },
        });
        const json = r.json as {
          code?: string;
          error?: { code?: string; details?: { nextMinimum?: number } };
          nextMinimum?: number;
          version?: number;
          leading?: boolean;
        } | null;
        if (r.status === 0 || r.status >= 500) {
          errors++;
          const key = `${r.status} ${r.status === 0 ? "network" : (json?.error?.code ?? json?.code ?? "?")}`;
          errorCodes[key] = (errorCodes[key] ?? 0) + 1;
          if (errorSamples.length < 5) errorSamples.push(`${r.status} ${JSON.stringify(json).slice(0, 200)}`);
        } else {
          latencies.push(r.ms);
          if (r.status === 201 && json) {
            acceptedLatencies.push(r.ms);
            if ((json.version ?? 0) > s.version) {
              s.version = json.version!;
              s.leader = json.leading ? b.index : null;
            }
            s.nextMinimum = Math.max(s.nextMinimum, json.nextMinimum ?? 0);
          } else {
            const code = json?.error?.code ?? json?.code ?? String(r.status);
            if (code === "BID_TOO_LOW") {
              tooLow++;
              const next = json?.error?.details?.nextMinimum ?? 0;
              if (next > s.nextMinimum) {
                s.nextMinimum = next;
                s.leader = null; // someone else bid meanwhile
              }
            } else if (code === "ALREADY_LEADING") {
              alreadyLeading++;
              s.leader = b.index;
            } else {
              otherRejections[code] = (otherRejections[code] ?? 0) + 1;
            }
          }
        }
        if (opts.thinkMs) await until(think());
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  api.close();
  return {
    seconds,
    answers: latencies.length,
    accepted: acceptedLatencies.length,
    tooLow,
    alreadyLeading,
    otherRejections,
    errors,
    errorCodes,
    errorSamples,
    acceptedPerSecond: acceptedLatencies.length / seconds,
    answersPerSecond: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: quantile(latencies, 1),
    acceptedP50: quantile(acceptedLatencies, 0.5),
    acceptedP99: quantile(acceptedLatencies, 0.99),
  };
}

/** One line per run for notes. */
/**
 * The mean think time (ms) that makes `bidders` paced bidders offer about a third of the saturated
 * answer rate together — the latency a bidder sees on a busy but not saturated system. At least 500 ms.
 */
export const pacedThinkMs = (bidders: number, saturatedAnswersPerSecond: number) =>
  Math.max(500, Math.round((bidders / Math.max(1, saturatedAnswersPerSecond / 3)) * 1000));

export const describeRun = (r: BidRun) =>
  `${round(r.seconds)} s: ${r.answers} answers (${r.accepted} accepted, ${r.tooLow} BID_TOO_LOW, ${r.alreadyLeading} ALREADY_LEADING${Object.entries(
    r.otherRejections,
  )
    .map(([c, n]) => `, ${n} ${c}`)
    .join("")}), ${r.errors} errors${
    r.errors
      ? ` (${Object.entries(r.errorCodes)
          .map(([c, n]) => `${n} × ${c}`)
          .join(", ")})`
      : ""
  }; all answers p50 ${round(r.p50)} ms, p99 ${round(r.p99)} ms, max ${round(
    r.max,
  )} ms; accepted p50 ${round(r.acceptedP50)} ms, p99 ${round(r.acceptedP99)} ms`;

/**
 * How many pgbench clients Postgres can take now: max_connections less the superuser reserve, the
 * connections open at the moment (the system's pools, other users of the server) and a margin of 10.
 */
export async function safeClients(url: string, wanted: number) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`select
      current_setting('max_connections')::int as max,
      current_setting('superuser_reserved_connections')::int as reserved,
      (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as used`);
    const { max, reserved, used } = r.rows[0] as { max: number; reserved: number; used: number };
    return { clients: Math.max(1, Math.min(wanted, max - reserved - used - 10)), max, reserved, used };
  } finally {
    await c.end();
  }
}

/**
 * The raw rate of the minimal bid transaction: lock the lot row, insert the bid, raise the price,
 * commit — on copies of the auction's `lot` and `bid` tables (the given lots' rows) in a scratch schema
 * of the benchmark's database, with as many clients as Postgres can safely take (up to `clients`).
 */
export async function pgbenchBid(opts: { url: string; lotIds: string[]; clients: number; seconds: number }) {
  const schema = `bench_scratch_${randomUUID().slice(0, 8)}`;
  const c = new pg.Client({ connectionString: opts.url });
  await c.connect();
  try {
    await c.query(`create schema ${schema}`);
    await c.query(`create table ${schema}.lot (like auction.lot including all)`);
    await c.query(`alter table ${schema}.lot add column i int`);
    await c.query(
      `insert into ${schema}.lot select l.*, t.i - 1 from unnest($1::uuid[]) with ordinality as t(id, i)
         join auction.lot l on l.id = t.id`,
      [opts.lotIds],
    );
    await c.query(`create unique index on ${schema}.lot (i)`);
    await c.query(`create table ${schema}.bid (like auction.bid including all)`);
    await c.query(`alter table ${schema}.bid add foreign key (lot_id) references ${schema}.lot (id)`);
  } finally {
    await c.end();
  }
  const script = `\\set i random(0, ${opts.lotIds.length - 1})
BEGIN;
SELECT id, current_price, bid_count, ends_at > clock_timestamp() AS open FROM lot WHERE i = :i FOR UPDATE;
INSERT INTO bid (id, lot_id, seq, user_id, amount, max_amount, kind, price_after, leading_after, hold_id, created_at)
  SELECT gen_random_uuid(), id, bid_count + 1, gen_random_uuid(), current_price + 1, current_price + 1, 'BID',
         current_price + 1, true, gen_random_uuid(), clock_timestamp()
  FROM lot WHERE i = :i;
UPDATE lot SET current_price = current_price + 1, bid_count = bid_count + 1, version = version + 1,
  updated_at = clock_timestamp() WHERE i = :i;
COMMIT;
`;
  const safe = await safeClients(opts.url, opts.clients);
  let clients = safe.clients;
  for (let attempt = 0; ; attempt++) {
    try {
      const r = pgbench({ url: opts.url, schema, script, clients, seconds: opts.seconds });
      return { ...r, clients, safe };
    } catch (err) {
      // Another user of the server may have taken connections meanwhile: try once with half.
      if (attempt > 0 || clients < 4) throw err;
      clients = Math.floor(clients / 2);
    }
  }
}

/**
 * CPU use between two `system.cpu()` snapshots: cores per process over the wall time, and the whole
 * system's CPU milliseconds per answer (nats-server and redis-server are shared with anything else on
 * the machine, so they are an upper bound).
 */
export function cpuUse(
  before: Record<string, number>,
  after: Record<string, number>,
  wallS: number,
  answers: number,
) {
  const per = Object.keys(after)
    .map((k) => ({ name: k, seconds: (after[k] ?? 0) - (before[k] ?? 0) }))
    .filter((p) => p.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds);
  const total = per.reduce((s, p) => s + p.seconds, 0);
  return {
    totalCores: total / wallS,
    msPerAnswer: answers ? (total * 1000) / answers : Number.NaN,
    text: per.map((p) => `${p.name} ${round(p.seconds / wallS, 2)}`).join(", "),
  };
}
