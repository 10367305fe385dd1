/**
 * The chaos runner: while the workload runs, kill -9 a random service or gateway instance every few
 * seconds (the launcher's children, found by their INSTANCE_ID; the launcher restarts them), and now
 * and then crash the private NATS or Redis server (kill -9, start again on the same port and store)
 * and hit Postgres: its backends of the chaos database terminated (short run), or the whole server
 * restarted with pg_ctlcluster (long run only: the server is shared with other sessions). Then
 * `waitQuiet` waits until everything is back and settled: every instance healthy, outboxes drained,
 * durable consumers caught up, holds and invoices settled, every lot final.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { SERVICES } from "../../scripts/lib/services.js";
import type { ChaosSystem, Instance } from "./system.js";
import { rng } from "./workload.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type PgFault = "none" | "terminate" | "restart";

export type ChaosOptions = {
  seed: number;
  /** pause between two instance kills, drawn uniformly from [min, max] ms */
  killEveryMs: [number, number];
  /** pause between two infrastructure faults (NATS, Redis, Postgres in turn); 0 = none */
  infraEveryMs: number;
  nats: boolean;
  redis: boolean;
  pg: PgFault;
  /** at most this many Postgres restarts in one run (the server is shared) */
  maxPgRestarts?: number;
  log?: (line: string) => void;
};

export type Fault = { t: number; kind: string; target: string; pid?: number; ms?: number; note?: string };

/** Every instance the launcher runs, as label → port. */
export function expectedInstances(sys: ChaosSystem, instances: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of SERVICES)
    for (let i = 0; i < instances; i++) out.set(`${s.name}#${i}`, s.basePort + sys.offset + i);
  for (let i = 0; i < instances; i++) out.set(`gateway#${i}`, 8080 + sys.offset + i);
  return out;
}

function pgVersion(): string {
  return readdirSync("/etc/postgresql").sort().at(-1) ?? "15";
}

async function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((r) => {
    const c = spawn(cmd, args, { stdio: "ignore" });
    c.once("exit", (code) => r(code ?? 1));
    c.once("error", () => r(127));
  });
}

export function startChaos(sys: ChaosSystem, o: ChaosOptions & { instances: number }) {
  const r = rng(o.seed ^ 0x5eed);
  const ports = expectedInstances(sys, o.instances);
  const log = o.log ?? (() => {});
  const faults: Fault[] = [];
  const t0 = Date.now();
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((res) => {
      const t = setTimeout(res, ms);
      wake = () => {
        clearTimeout(t);
        res();
      };
    });

  const killer = (async () => {
    while (!stopping) {
      await pause(r.int(o.killEveryMs[0], o.killEveryMs[1]));
      if (stopping) break;
      // Victims are instances that are up (a process still booting is left to boot). Mostly one whose
      // service has another instance up; now and then any, which may take a whole service down.
      const procs = sys.processes();
      const up = (
        await Promise.all(procs.map(async (p) => ((await healthy(ports.get(p.label) ?? 0)) ? p : null)))
      ).filter((p): p is Instance => p !== null);
      const spare = up.filter((p) => up.some((q) => q.service === p.service && q.label !== p.label));
      const pool = r.chance(0.8) && spare.length ? spare : up;
      if (!pool.length) continue;
      const victim = r.pick(pool);
      try {
        process.kill(victim.pid, "SIGKILL");
        faults.push({ t: Date.now() - t0, kind: "kill", target: victim.label, pid: victim.pid });
        log(`chaos: kill -9 ${victim.label} (pid ${victim.pid})`);
      } catch {
        // it died on its own meanwhile
      }
    }
  })();

  const infraKinds = [
    ...(o.nats ? ["nats"] : []),
    ...(o.redis ? ["redis"] : []),
    ...(o.pg !== "none" ? [`pg-${o.pg}`] : []),
  ];
  let pgRestarts = 0;
  const infra = (async () => {
    if (!o.infraEveryMs || !infraKinds.length) return;
    for (let i = 0; !stopping; i++) {
      await pause(o.infraEveryMs);
      if (stopping) break;
      const kind = infraKinds[i % infraKinds.length]!;
      const started = Date.now();
      try {
        if (kind === "nats") await sys.nats.crash(r.int(1_000, 3_000));
        else if (kind === "redis") await sys.redis.crash(r.int(500, 2_000));
        else if (kind === "pg-terminate") {
          const rows = await sys.sql<{ n: number }>(
            `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
              where datname = current_database() and usename like 'arte_%' and pid <> pg_backend_pid()`,
          );
          faults.push({ t: started - t0, kind, target: "postgres", note: `${rows[0]?.n ?? 0} backends` });
          log(`chaos: terminated ${rows[0]?.n ?? 0} Postgres backends of ${sys.database}`);
          continue;
        } else if (kind === "pg-restart") {
          if (pgRestarts >= (o.maxPgRestarts ?? 2)) continue;
          pgRestarts++;
          const code = await run("pg_ctlcluster", [
            "--skip-systemctl-redirect",
            pgVersion(),
            "main",
            "restart",
          ]);
          if (code !== 0) log(`chaos: pg_ctlcluster restart exited ${code}`);
        }
        faults.push({
          t: started - t0,
          kind,
          target: kind.startsWith("pg") ? "postgres" : kind,
          ms: Date.now() - started,
        });
        log(`chaos: ${kind} (${Date.now() - started} ms)`);
      } catch (err) {
        log(`chaos: ${kind} failed: ${(err as Error).message}`);
      }
    }
  })();

  // How late lots close while faults go on: the worst overdue OPEN lot, sampled every second.
  const overdue: { t: number; lots: number; worstMs: number }[] = [];
  const monitor = (async () => {
    while (!stopping) {
      await sleep(1_000);
      const rows = await sys
        .sql<{ n: number; worst: number | null }>(
          `select count(*)::int as n, (extract(epoch from max(clock_timestamp() - ends_at)) * 1000)::int as worst
             from auction.lot where status = 'OPEN' and ends_at < clock_timestamp() - interval '1 second'`,
        )
        .catch(() => []);
      if (rows[0]?.n) overdue.push({ t: Date.now() - t0, lots: rows[0].n, worstMs: rows[0].worst ?? 0 });
    }
  })();

  return {
    faults,
    overdue,
    async stop() {
      stopping = true;
      wake?.();
      await Promise.all([killer, infra, monitor]);
    },
  };
}

/** How many times the launcher said it restarted an instance (its log file). */
export function restartsLogged(sys: ChaosSystem): number {
  try {
    return readFileSync(sys.logFile, "utf8")
      .split("\n")
      .filter((l) => /exited \(.*\); restarting in/.test(l)).length;
  } catch {
    return 0;
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

export type QuietState = Record<string, number>;

/** What is still moving: every number is 0 when the system is quiet. */
export async function unsettled(sys: ChaosSystem, instances: number): Promise<QuietState> {
  const state: QuietState = {};
  const expected = expectedInstances(sys, instances);
  const alive = new Set(sys.processes().map((p) => p.label));
  const health = await Promise.all(
    [...expected].map(async ([label, port]) => alive.has(label) && (await healthy(port))),
  );
  state.instancesDown = health.filter((h) => !h).length;
  const schemas = SERVICES.map((s) => s.schema!).filter(Boolean);
  const outbox = await sys.sql<{ n: number }>(
    schemas
      .map((s) => `select count(*)::int as n from "${s}".outbox where published_at is null`)
      .join(" union all "),
  );
  state.outboxPending = outbox.reduce((s, r) => s + r.n, 0);
  let pending = 0;
  for await (const st of sys.bus.jsm.streams.list()) {
    if (!st.config.name.startsWith(`${sys.natsPrefix}_`)) continue;
    for await (const c of sys.bus.jsm.consumers.list(st.config.name)) {
      if (!c.config.durable_name) continue;
      pending += c.num_pending + c.num_ack_pending;
    }
  }
  state.consumerPending = pending;
  const [q] = await sys.sql<Record<string, number>>(`
    select
      (select count(*)::int from auction.lot where status not in ('SOLD','UNSOLD','CANCELLED') and ends_at < now()) as "endedLotsNotFinal",
      (select count(*)::int from auction.bid_hold where status in ('REQUESTED','RELEASING')) as "auctionHoldsInFlight",
      (select count(*)::int from payment.invoice where status = 'ISSUED') as "invoicesUnpaid",
      (select count(*)::int from bank.hold h join auction.lot l on h.reference like 'lot:' || l.id || ':%'
        where h.status = 'PENDING' and l.status in ('SOLD','UNSOLD','CANCELLED')) as "bankHoldsOfEndedLots",
      (select count(*)::int from notification.sent_message where status = 'PENDING') as "emailsPending"`);
  Object.assign(state, q);
  return state;
}

/** Waits until two looks a second apart find nothing moving, or the timeout; returns the last look. */
export async function waitQuiet(
  sys: ChaosSystem,
  instances: number,
  timeoutMs: number,
  log?: (l: string) => void,
) {
  const started = Date.now();
  let quietOnce = false;
  let last: QuietState = {};
  while (Date.now() - started < timeoutMs) {
    try {
      last = await unsettled(sys, instances);
    } catch (err) {
      last = { error: 1 };
      log?.(`quiet: look failed: ${(err as Error).message}`);
    }
    const busy = Object.entries(last).filter(([, n]) => n > 0);
    if (!busy.length) {
      if (quietOnce) return { quiet: true, ms: Date.now() - started, state: last };
      quietOnce = true;
    } else {
      quietOnce = false;
    }
    await sleep(1_000);
  }
  log?.(`quiet: still moving after ${timeoutMs} ms: ${JSON.stringify(last)}`);
  return { quiet: false, ms: Date.now() - started, state: last };
}
