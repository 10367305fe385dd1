/**
 * D.11 a — bids through the gateway: 200 bidders over 50 open lots on the whole system started with
 * the launcher (every service its own process, loopback only). Each bidder is one keep-alive connection
 * bidding at the lot's current next minimum (known from the answers); BID_TOO_LOW and ALREADY_LEADING
 * answers are expected under contention and counted apart from errors (5xx, network).
 * Two phases: as fast as they can (the saturated rate; closed loop, so latency there is mostly queueing),
 * then paced at about a third of that rate (think time between bids, as people bid) for the latency a
 * bidder sees when the system is not saturated. Same-run baseline: pgbench running the minimal bid
 * transaction (lock the lot, insert the bid, raise the price) over copies of the 50 lots.
 */
import { loadavg } from "node:os";
import { cpuUse, describeRun, pacedThinkMs, pgbenchBid, runBids } from "./lib/bidding.js";
import { round } from "./lib/load.js";
import { instancesFromEnv, startSystem } from "./lib/system.js";
import type { Bench, Figure } from "./lib/types.js";

const BIDDERS = 200;
const LOTS = 50;
const SATURATED_MS = 15_000;
const PACED_MS = 10_000;
const WARMUP_MS = 2_000;
const PGBENCH_SECONDS = 10;
const GOAL_P99_MS = 100;

const bench: Bench = {
  name: "bids-gateway",
  async run() {
    const instances = instancesFromEnv();
    const system = await startSystem({
      instances,
      // Every bidder here is one user id bidding far faster than a person: the per-user limit (300/min)
      // would turn the saturated phase into 429s. The limiter still runs (a Redis round trip per request).
      env: { RATE_LIMIT_DEFAULT: "1000000" },
    });
    try {
      const t0 = Date.now();
      const bidders = await system.createBidders(BIDDERS);
      const biddersMs = Date.now() - t0;
      const lots = await system.createLots(LOTS);

      await runBids({ gatewayUrl: system.gatewayUrl, bidders, lots, durationMs: WARMUP_MS });
      const peak = new Map<string, number>();
      const sampler = setInterval(() => {
        for (const s of system.rss()) peak.set(s.label, Math.max(peak.get(s.label) ?? 0, s.rssMiB));
      }, 2_000);
      const load0 = loadavg()[0]!;
      const cpu0 = system.cpu();
      const me0 = process.cpuUsage();
      const saturated = await runBids({
        gatewayUrl: system.gatewayUrl,
        bidders,
        lots,
        durationMs: SATURATED_MS,
      }).finally(() => clearInterval(sampler));
      const me = process.cpuUsage(me0);
      const cpu = cpuUse(cpu0, system.cpu(), saturated.seconds, saturated.answers);
      const load1 = loadavg()[0]!;
      // Paced: each bidder thinks between bids so that together they offer ~1/3 of the saturated rate.
      const thinkMs = pacedThinkMs(BIDDERS, saturated.answersPerSecond);
      const paced = await runBids({
        gatewayUrl: system.gatewayUrl,
        bidders,
        lots,
        durationMs: PACED_MS,
        thinkMs,
      });

      const [check] = await system.query<{ bids: number; lots: number; bad: number }>(
        `select (select count(*)::int from auction.bid b where b.lot_id = any($1::uuid[])) as bids,
                (select coalesce(sum(bid_count), 0)::int from auction.lot where id = any($1::uuid[])) as lots,
                (select count(*)::int from auction.lot l where id = any($1::uuid[])
                   and bid_count <> (select count(*) from auction.bid b where b.lot_id = l.id)) as bad`,
        [lots.map((l) => l.lotId)],
      );
      // The raw baseline runs once the services are stopped (the database stays until stop()): their
      // pools would otherwise hold most of max_connections, and they would compete for the same CPUs.
      await system.stopServices();
      const base = await pgbenchBid({
        url: system.dbUrl,
        lotIds: lots.map((l) => l.lotId),
        clients: BIDDERS,
        seconds: PGBENCH_SECONDS,
      });

      const pgBaseline = {
        name: `pgbench, minimal bid transaction over ${LOTS} lots, ${base.clients} clients`,
        value: round(base.tps),
        unit: "tx/s",
      };
      const figures: Figure[] = [
        {
          name: "saturated: accepted bids per second",
          value: round(saturated.acceptedPerSecond),
          unit: "bids/s",
          baseline: pgBaseline,
        },
        {
          name: "saturated: all answers per second",
          value: round(saturated.answersPerSecond),
          unit: "answers/s",
          baseline: pgBaseline,
        },
        { name: "saturated: p50 latency", value: round(saturated.p50), unit: "ms" },
        {
          name: "saturated: p99 latency",
          value: round(saturated.p99),
          unit: "ms",
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          met: saturated.p99 <= GOAL_P99_MS,
          baseline: { name: "pgbench average latency", value: round(base.latencyMsAvg, 2), unit: "ms" },
        },
        { name: "saturated: errors (5xx, network)", value: saturated.errors, unit: "errors" },
        { name: "saturated: BID_TOO_LOW answers", value: saturated.tooLow, unit: "answers" },
        {
          name: "saturated: CPU of the whole system per answer",
          value: round(cpu.msPerAnswer, 2),
          unit: "ms",
          baseline: {
            name: "pgbench average latency (≥ its CPU per tx)",
            value: round(base.latencyMsAvg, 2),
            unit: "ms",
          },
        },
        {
          name: `paced (~${round(BIDDERS / (thinkMs / 1000))} bids/s offered): accepted bids per second`,
          value: round(paced.acceptedPerSecond),
          unit: "bids/s",
        },
        {
          name: "paced: all answers per second",
          value: round(paced.answersPerSecond),
          unit: "answers/s",
        },
        { name: "paced: p50 latency", value: round(paced.p50), unit: "ms" },
        {
          name: "paced: p99 latency",
          value: round(paced.p99),
          unit: "ms",
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          met: paced.p99 <= GOAL_P99_MS,
        },
        { name: "paced: errors (5xx, network)", value: paced.errors, unit: "errors" },
      ];
      return {
        name: "bids-gateway",
        description: `${BIDDERS} bidders (one keep-alive connection each) over ${LOTS} open lots through the gateway of the whole system (launcher; instances ${JSON.stringify(instances)} beyond 1 each; LOG_LEVEL=warn), each bid at the lot's current next minimum. Saturated: ${SATURATED_MS / 1000} s as fast as they can. Paced: ${PACED_MS / 1000} s with a mean think time of ${thinkMs} ms per bidder. Baseline: pgbench running BEGIN; SELECT … FOR UPDATE of a copied lot row; INSERT of the bid; UPDATE of the price; COMMIT over ${LOTS} copied lots for ${PGBENCH_SECONDS} s with ${base.clients} clients (max_connections ${base.safe.max}, ${base.safe.reserved} reserved, ${base.safe.used} in use once the services had stopped: ${BIDDERS} would not fit).`,
        figures,
        notes: [
          `Saturated: ${describeRun(saturated)}.`,
          `Paced: ${describeRun(paced)}.`,
          `CPU during the saturated phase (cores): ${cpu.text}; total ${round(cpu.totalCores, 2)} of 2; the load generator itself ${round((me.user + me.system) / 1e6 / saturated.seconds, 2)}. 1-minute load average ${round(load0, 2)} before and ${round(load1, 2)} after it: the machine is shared, and every process gets its fair share of two CPUs, so the rates are far below what the code costs in CPU.`,
          `System start ${round(system.startupMs / 1000)} s; ${BIDDERS} funded bidders ready in the bidder read model after ${round(biddersMs / 1000)} s (bank PINs are scrypt-hashed).`,
          `After the run: ${check?.bids} bids stored for these lots, lots count ${check?.lots}, lots whose bid_count differs from their bids: ${check?.bad} (must be 0).`,
          `Peak RSS during the saturated phase: ${[...peak].map(([l, v]) => `${l} ${round(v)} MiB`).join(", ")}.`,
          "Each bid through the gateway does far more than the baseline: token checks at the gateway and the service, the rate limiter (Redis), the idempotency key, the hold row, a signed NATS request to the bank (its own transaction and outbox), then the lot transaction with the alias, change row and outbox events; and every consumer (history, catalog, notification, the gateway's live feed) works on the same two CPUs.",
          "Rate limit per user raised for the run (RATE_LIMIT_DEFAULT=1000000): the limiter still runs.",
          ...[...saturated.errorSamples, ...paced.errorSamples].map((e) => `error sample: ${e}`),
        ],
      };
    } finally {
      await system.stop();
    }
  },
};
export default bench;
