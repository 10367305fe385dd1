/**
 * D.11 b — one hot lot: 300 bidders (one keep-alive connection each) bidding on one open lot through
 * the gateway of the whole system, each at the lot's next minimum as known from the answers; the leader
 * waits until someone outbids it. Saturated: as fast as they can for a bounded time (the capacity, and
 * latency = 300 / throughput by construction). Paced: each bidder thinks between bids (as people do) so
 * that together they offer about a third of the saturated rate — the latency a bidder sees on a busy
 * lot. Goals: no errors (5xx, network) in either; p99 ≤ 200 ms when paced. Same-run baseline: pgbench running the minimal bid transaction on one copied
 * lot row with as many clients as Postgres can safely take.
 */
import { loadavg } from "node:os";
import { cpuUse, describeRun, pacedThinkMs, pgbenchBid, runBids } from "./lib/bidding.js";
import { round } from "./lib/load.js";
import { instancesFromEnv, startSystem } from "./lib/system.js";
import type { Bench } from "./lib/types.js";

const BIDDERS = 300;
const RUN_MS = 20_000;
const PACED_MS = 15_000;
const WARMUP_MS = 2_000;
const PGBENCH_SECONDS = 10;
const GOAL_P99_MS = 200;

const bench: Bench = {
  name: "bids-hot-lot",
  async run() {
    const instances = instancesFromEnv();
    const system = await startSystem({ instances, env: { RATE_LIMIT_DEFAULT: "1000000" } });
    try {
      const t0 = Date.now();
      const bidders = await system.createBidders(BIDDERS);
      const biddersMs = Date.now() - t0;
      // A flat increment keeps the price (and so each hold) small however many bids are accepted.
      const [lot] = await system.createLots(1, { increments: [{ upTo: null, step: 10_000 }] });

      await runBids({ gatewayUrl: system.gatewayUrl, bidders, lots: [lot!], durationMs: WARMUP_MS });
      const load0 = loadavg()[0]!;
      const cpu0 = system.cpu();
      const r = await runBids({ gatewayUrl: system.gatewayUrl, bidders, lots: [lot!], durationMs: RUN_MS });
      const cpu = cpuUse(cpu0, system.cpu(), r.seconds, r.answers);
      const load1 = loadavg()[0]!;
      const thinkMs = pacedThinkMs(BIDDERS, r.answersPerSecond);
      const paced = await runBids({
        gatewayUrl: system.gatewayUrl,
        bidders,
        lots: [lot!],
        durationMs: PACED_MS,
        thinkMs,
      });

      const [check] = await system.query<{ bids: number; count: number; price: number; top: number }>(
        `select (select count(*)::int from auction.bid where lot_id = $1) as bids, bid_count as count,
                current_price::float8 as price,
                (select max(amount)::float8 from auction.bid where lot_id = $1) as top
           from auction.lot where id = $1`,
        [lot!.lotId],
      );
      // The raw baseline runs once the services are stopped (the database stays until stop()): their
      // pools would otherwise hold most of max_connections, and they would compete for the same CPUs.
      await system.stopServices();
      const base = await pgbenchBid({
        url: system.dbUrl,
        lotIds: [lot!.lotId],
        clients: BIDDERS,
        seconds: PGBENCH_SECONDS,
      });
      const pgBaseline = {
        name: `pgbench, minimal bid transaction on one lot row, ${base.clients} clients`,
        value: round(base.tps),
        unit: "tx/s",
      };
      return {
        name: "bids-hot-lot",
        description: `${BIDDERS} bidders on one open lot through the gateway of the whole system (launcher; instances ${JSON.stringify(instances)} beyond 1 each; LOG_LEVEL=warn), saturated: as fast as they can for ${RUN_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up; paced: ${PACED_MS / 1000} s with a mean think time of ${thinkMs} ms per bidder. Baseline: pgbench running BEGIN; SELECT … FOR UPDATE of one copied lot row; INSERT of the bid; UPDATE of the price; COMMIT for ${PGBENCH_SECONDS} s with ${base.clients} clients (max_connections ${base.safe.max}, ${base.safe.reserved} reserved, ${base.safe.used} in use once the services had stopped: ${BIDDERS} would not fit).`,
        figures: [
          {
            name: "saturated: accepted bids per second",
            value: round(r.acceptedPerSecond),
            unit: "bids/s",
            baseline: pgBaseline,
          },
          { name: "saturated: all answers per second", value: round(r.answersPerSecond), unit: "answers/s" },
          { name: "saturated: p50 latency", value: round(r.p50), unit: "ms" },
          {
            name: "saturated: p99 latency",
            value: round(r.p99),
            unit: "ms",
            baseline: { name: "pgbench average latency", value: round(base.latencyMsAvg, 2), unit: "ms" },
          },
          {
            name: "saturated: errors (5xx, network)",
            value: r.errors,
            unit: "errors",
            goal: "no errors",
            met: r.errors === 0,
          },
          { name: "saturated: BID_TOO_LOW answers", value: r.tooLow, unit: "answers" },
          {
            name: "saturated: CPU of the whole system per answer",
            value: round(cpu.msPerAnswer, 2),
            unit: "ms",
          },
          {
            name: `paced (~${round(BIDDERS / (thinkMs / 1000))} bids/s offered): accepted bids per second`,
            value: round(paced.acceptedPerSecond),
            unit: "bids/s",
          },
          { name: "paced: all answers per second", value: round(paced.answersPerSecond), unit: "answers/s" },
          { name: "paced: p50 latency", value: round(paced.p50), unit: "ms" },
          {
            name: "paced: p99 latency",
            value: round(paced.p99),
            unit: "ms",
            goal: `p99 ≤ ${GOAL_P99_MS} ms`,
            met: paced.p99 <= GOAL_P99_MS,
            baseline: { name: "pgbench average latency", value: round(base.latencyMsAvg, 2), unit: "ms" },
          },
          {
            name: "paced: errors (5xx, network)",
            value: paced.errors,
            unit: "errors",
            goal: "no errors",
            met: paced.errors === 0,
          },
        ],
        notes: [
          `Saturated: ${describeRun(r)}.`,
          `Paced: ${describeRun(paced)}.`,
          `CPU during the run (cores): ${cpu.text}; total ${round(cpu.totalCores, 2)} of 2. 1-minute load average ${round(load0, 2)} before and ${round(load1, 2)} after: the machine is shared.`,
          `The lot after the run: ${check?.bids} bids stored, bid_count ${check?.count}, price ${check?.price}, highest bid ${check?.top} (bids = bid_count and price = highest bid: must hold).`,
          `System start ${round(system.startupMs / 1000)} s; ${BIDDERS} funded bidders ready after ${round(biddersMs / 1000)} s.`,
          "A few bids of the lot at a time (BIDS_PER_LOT per auction instance) hold funds and run their transaction; the others wait and are re-checked against the lot first, so a bid the price has already passed is refused (BID_TOO_LOW) with one read and no bank hold. Every refusal is still recorded (idempotency answer and audit event).",
          "Rate limit per user raised for the run (RATE_LIMIT_DEFAULT=1000000): the limiter still runs.",
          ...[...r.errorSamples, ...paced.errorSamples].map((e) => `error sample: ${e}`),
        ],
      };
    } finally {
      await system.stop();
    }
  },
};
export default bench;
