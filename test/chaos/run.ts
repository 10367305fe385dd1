/**
 * A whole chaos run: the system (N instances of everything, private NATS and Redis), the workload, the
 * chaos runner during it, a wait until everything is quiet, then the invariant checker.
 *
 *   npm run chaos                                   # 10 minutes, Postgres restarted (shared server!)
 *   npx tsx test/chaos/run.ts --minutes 3 --seed 7 --pg terminate --out report.json
 *
 * `test/chaos.int.test.ts` runs a short one in `npm test`.
 */
import { writeFileSync } from "node:fs";
import { type ChaosOptions, type Fault, restartsLogged, startChaos, waitQuiet } from "./chaos.js";
import { checkInvariants, formatTable, type InvariantReport } from "./invariants.js";
import { type ChaosSystem, startChaosSystem } from "./system.js";
import { runWorkload, summarize, type WorkloadOptions, type WorkloadResult } from "./workload.js";

export type ScenarioOptions = {
  instances: number;
  workload: Omit<WorkloadOptions, "log">;
  chaos: Omit<ChaosOptions, "log" | "seed">;
  quietTimeoutMs: number;
  /** keep the workload's full record (every request) in this file */
  recordsFile?: string;
  log?: (line: string) => void;
};

export type ScenarioReport = {
  seed: number;
  instances: number;
  durationMs: number;
  startupMs: number;
  faults: { kills: number; killsByService: Record<string, number>; infra: Fault[]; restartsLogged: number };
  /** samples (during the faults) when some lot was more than a second past its end and still OPEN */
  overdue: { t: number; lots: number; worstMs: number }[];
  workload: ReturnType<typeof summarize>;
  quiet: { quiet: boolean; ms: number; state: Record<string, number> };
  invariants: InvariantReport;
  table: string;
  logFile: string;
};

export async function runScenario(o: ScenarioOptions): Promise<ScenarioReport> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const t0 = Date.now();
  const sys: ChaosSystem = await startChaosSystem({ instances: o.instances });
  const startupMs = Date.now() - t0;
  log(
    `system: ${sys.processes().length} instances up in ${Math.round(startupMs / 1000)} s; db ${sys.database}; log ${sys.logFile}`,
  );
  let chaos: ReturnType<typeof startChaos> | undefined;
  let chaosTimer: NodeJS.Timeout | undefined;
  try {
    let workload: WorkloadResult;
    let stopWatchers: () => Promise<void>;
    try {
      const run = await runWorkload(
        sys,
        { ...o.workload, log },
        {
          onReady: () => {
            chaos = startChaos(sys, { ...o.chaos, seed: o.workload.seed, instances: o.instances, log });
            // Faults for the run's duration; then the clients' retries finish on a healing system.
            chaosTimer = setTimeout(() => void chaos?.stop(), o.workload.durationMs);
          },
        },
      );
      workload = run.result;
      stopWatchers = run.stopWatchers;
    } finally {
      clearTimeout(chaosTimer);
      await chaos?.stop();
    }
    log("workload done; waiting until everything is quiet …");
    const quiet = await waitQuiet(sys, o.instances, o.quietTimeoutMs, log);
    await stopWatchers();
    if (o.recordsFile) writeFileSync(o.recordsFile, JSON.stringify(workload));
    const invariants = await checkInvariants(
      {
        sql: sys.sql,
        bus: sys.bus,
        natsPrefix: sys.natsPrefix,
        sinkMessageIds: sys.mails.map((m) => m.parsed.messageId ?? `(none) ${m.subject}`),
      },
      workload,
    );
    const faults = chaos?.faults ?? [];
    const kills = faults.filter((f) => f.kind === "kill");
    const killsByService: Record<string, number> = {};
    for (const k of kills) {
      const s = k.target.split("#")[0]!;
      killsByService[s] = (killsByService[s] ?? 0) + 1;
    }
    return {
      seed: o.workload.seed,
      instances: o.instances,
      durationMs: o.workload.durationMs,
      startupMs,
      faults: {
        kills: kills.length,
        killsByService,
        infra: faults.filter((f) => f.kind !== "kill"),
        restartsLogged: restartsLogged(sys),
      },
      overdue: chaos?.overdue ?? [],
      workload: summarize(workload),
      quiet,
      invariants,
      table: formatTable(invariants),
      logFile: sys.logFile,
    };
  } finally {
    await sys.stop();
  }
}

export function printReport(r: ScenarioReport, log: (l: string) => void) {
  log("");
  log(
    `seed ${r.seed}, ${r.instances} instances of every service and gateway, ${Math.round(r.durationMs / 1000)} s of chaos`,
  );
  log(
    `kills ${r.faults.kills} ${JSON.stringify(r.faults.killsByService)}; restarts (launcher) ${r.faults.restartsLogged}`,
  );
  log(
    `infrastructure faults: ${r.faults.infra.map((f) => `${f.kind}${f.note ? ` (${f.note})` : ""}`).join(", ") || "none"}`,
  );
  log(`workload: ${JSON.stringify(r.workload)}`);
  const worst = r.overdue.reduce((m, o) => Math.max(m, o.worstMs), 0);
  log(
    `closing: ${r.overdue.length} one-second samples with an overdue OPEN lot; worst ${worst} ms past its end`,
  );
  log(
    `quiet: ${r.quiet.quiet ? "yes" : "NO"} after ${Math.round(r.quiet.ms / 1000)} s ${JSON.stringify(r.quiet.state)}`,
  );
  log(`facts: ${JSON.stringify(r.invariants.facts)}`);
  log("");
  log(r.table);
  log("");
  log(r.invariants.ok ? "all invariants hold" : "INVARIANTS VIOLATED");
}

async function main(argv: string[]) {
  const opt = (name: string, dflt: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  const minutes = Number(opt("--minutes", "10"));
  const seed = Number(opt("--seed", String(Date.now() % 100_000)));
  const instances = Number(opt("--instances", "2"));
  const pg = opt("--pg", "restart") as ChaosOptions["pg"];
  const durationMs = Math.round(minutes * 60_000);
  const scale = Math.max(1, minutes / 2);
  const report = await runScenario({
    instances,
    workload: {
      seed,
      durationMs,
      // the demo catalog has 40 artworks; the launcher's demo lots keep about 15 of them busy
      lots: Math.min(24, Math.round(12 * Math.sqrt(scale))),
      syntheticBidders: Math.round(40 * Math.sqrt(scale)),
      lateBidders: Math.round(8 * Math.sqrt(scale)),
      realUsers: Math.min(8, Math.round(3 * Math.sqrt(scale))),
      watchers: 16,
      concurrency: Number(opt("--concurrency", "8")),
    },
    chaos: {
      killEveryMs: [3_000, 6_000],
      infraEveryMs: 20_000,
      nats: true,
      redis: true,
      pg,
      maxPgRestarts: Number(opt("--pg-restarts", "3")),
    },
    quietTimeoutMs: 300_000,
    recordsFile: opt("--records", "") || undefined,
  });
  const log = (l: string) => process.stdout.write(`${l}\n`);
  printReport(report, log);
  const out = opt("--out", "");
  if (out) writeFileSync(out, JSON.stringify(report, null, 2));
  return report.invariants.ok && report.quiet.quiet ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`)
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
