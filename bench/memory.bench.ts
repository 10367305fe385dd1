/**
 * G.6 — memory per service instance: the whole system started with the launcher, each instance's RSS
 * (/proc/<pid>/status VmRSS of the launcher's child with that INSTANCE_ID) after 10 s idle, its peak
 * during a short bid load through the gateway, and after it. Same-run baselines: an idle bare
 * `node -e "setInterval(()=>{},1e3)"`, the same with the launcher's node flags (it runs each service's
 * built bundle: scripts/lib/build.ts), and the same under `--import tsx` (what running a service from
 * its TypeScript source would add).
 */
import { spawn } from "node:child_process";
import { describeRun, runBids } from "./lib/bidding.js";
import { round } from "./lib/load.js";
import { instancesFromEnv, ROOT, rssMiB, startSystem } from "./lib/system.js";
import type { Bench, Figure } from "./lib/types.js";

const IDLE_MS = 10_000;
const BIDDERS = 50;
const LOTS = 10;
const LOAD_MS = 15_000;
const GOAL_MIB = 100;

/** An idle node process's RSS after `ms` (spawned with `args` before the script). */
async function idleNode(args: string[], ms: number) {
  const child = spawn(process.execPath, [...args, "-e", "setInterval(()=>{},1e3)"], {
    cwd: ROOT,
    stdio: "ignore",
  });
  try {
    await new Promise((r) => setTimeout(r, ms));
    return rssMiB(child.pid!);
  } finally {
    child.kill("SIGKILL");
  }
}

const bench: Bench = {
  name: "memory",
  async run() {
    const instances = instancesFromEnv();
    const system = await startSystem({ instances, env: { RATE_LIMIT_DEFAULT: "1000000" } });
    try {
      // The baselines idle alongside the system's first 10 s.
      const [bare, withFlags, withTsx] = await Promise.all([
        idleNode([], IDLE_MS),
        idleNode(["--enable-source-maps", "--max-semi-space-size=2"], IDLE_MS),
        idleNode(["--import", "tsx"], IDLE_MS),
      ]);
      const idle = system.rss();

      const bidders = await system.createBidders(BIDDERS);
      const lots = await system.createLots(LOTS);
      const peak = new Map<string, number>();
      const sample = () => {
        for (const s of system.rss()) peak.set(s.label, Math.max(peak.get(s.label) ?? 0, s.rssMiB));
      };
      const sampler = setInterval(sample, 1_000);
      const load = await runBids({
        gatewayUrl: system.gatewayUrl,
        bidders,
        lots,
        durationMs: LOAD_MS,
      }).finally(() => clearInterval(sampler));
      sample();
      const after = system.rss();

      const baseline = { name: "idle bare node", value: round(bare), unit: "MiB" };
      const figures: Figure[] = [];
      for (const s of idle) {
        figures.push({
          name: `${s.label}: idle RSS`,
          value: round(s.rssMiB),
          unit: "MiB",
          goal: `≤ ${GOAL_MIB} MiB`,
          met: s.rssMiB <= GOAL_MIB,
          baseline,
        });
      }
      for (const s of idle) {
        figures.push({
          name: `${s.label}: peak RSS under bid load`,
          value: round(peak.get(s.label) ?? Number.NaN),
          unit: "MiB",
          baseline,
        });
      }
      figures.push({
        name: "idle node with the launcher's flags (--enable-source-maps --max-semi-space-size=2)",
        value: round(withFlags),
        unit: "MiB",
        baseline,
      });
      figures.push({
        name: "idle node under --import tsx (running from source, RUN_FROM_SOURCE=1)",
        value: round(withTsx),
        unit: "MiB",
        baseline,
      });
      const total = (xs: { rssMiB: number }[]) => xs.reduce((a, x) => a + (x.rssMiB || 0), 0);
      return {
        name: "memory",
        description: `Each service instance's resident memory (VmRSS of its node process, started by the launcher with LOG_LEVEL=warn; instances ${JSON.stringify(instances)} beyond 1 each) ${IDLE_MS / 1000} s after the system was up, its peak (sampled every second) while ${BIDDERS} bidders bid on ${LOTS} lots through the gateway for ${LOAD_MS / 1000} s, and after. Baselines from the same run: an idle bare node process, one with the launcher's node flags, and one under tsx's loader.`,
        figures,
        notes: [
          `Idle total ${round(total(idle))} MiB over ${idle.length} instances; after the load ${round(total(after))} MiB (${after.map((s) => `${s.label} ${round(s.rssMiB)}`).join(", ")}).`,
          `Helper processes of the instances (not counted above): ${
            idle
              .filter((s) => s.helpers.length)
              .map((s) => `${s.label} ${round(s.helpersMiB)} MiB`)
              .join(", ") || "none"
          }.`,
          `Load: ${describeRun(load)}.`,
          "The launcher runs each service's bundle (workspace code bundled, npm packages imported from node_modules) under plain node with a 2 MiB young-generation semi-space (NODE_SEMI_SPACE_MB); before, every process carried tsx's loader and V8's default 16 MiB semi-spaces: about 155–175 MiB idle each.",
        ],
      };
    } finally {
      await system.stop();
    }
  },
};
export default bench;
