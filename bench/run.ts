/**
 * `npm run bench [filter]`: runs every `bench/*.bench.ts` in turn (or those whose name contains the
 * filter) and writes `bench/results/<date>.json` and `.md`: the machine, versions, and each figure
 * beside its same-run baseline. The machine is shared and noisy: read ratios and medians.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { connectBus, createRedis } from "@arte/platform";
import pg from "pg";
import type { Bench, BenchResult } from "./lib/types.js";

const here = dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2] ?? "";

async function machine() {
  let postgres = "unknown";
  try {
    const c = new pg.Client({
      connectionString: process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    });
    await c.connect();
    postgres = (await c.query("show server_version")).rows[0].server_version;
    await c.end();
  } catch {
    // reported as unknown
  }
  let nats = "unknown";
  try {
    const bus = await connectBus({
      url: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
      name: "bench-machine",
    });
    nats = bus.nc.info?.version ?? "unknown";
    await bus.close();
  } catch {
    // reported as unknown
  }
  let redis = "unknown";
  try {
    const r = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", "");
    try {
      redis = /redis_version:(\S+)/.exec(await r.info("server"))?.[1] ?? "unknown";
    } finally {
      r.disconnect();
    }
  } catch {
    // reported as unknown
  }
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model ?? "?"}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    nats,
    redis,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts") && f.includes(filter))
  .sort();
const results: BenchResult[] = [];
const failures: { name: string; error: string }[] = [];
for (const f of files) {
  const bench = (await import(pathToFileURL(join(here, f)).href)).default as Bench;
  process.stdout.write(`[bench] ${bench.name} …\n`);
  const t0 = Date.now();
  const loadBefore = os.loadavg().map((n) => Math.round(n * 100) / 100);
  try {
    const r = await bench.run();
    r.seconds = Math.round((Date.now() - t0) / 1000);
    r.loadAverageBefore = loadBefore;
    results.push(r);
    for (const fig of r.figures) {
      const base = fig.baseline
        ? `  (baseline ${fig.baseline.name}: ${fig.baseline.value} ${fig.baseline.unit})`
        : "";
      const goal = fig.goal ? `  goal ${fig.goal}: ${fig.met ? "met" : "NOT met"}` : "";
      process.stdout.write(`[bench]   ${fig.name}: ${fig.value} ${fig.unit}${base}${goal}\n`);
    }
  } catch (err) {
    failures.push({ name: bench.name, error: String((err as Error)?.stack ?? err) });
    process.stdout.write(`[bench]   failed: ${String((err as Error)?.message ?? err)}\n`);
  }
}

const date = new Date().toISOString().slice(0, 10);
const jsonFile = join(here, "results", `${date}.json`);
// A filtered run (`npm run bench bids`) replaces only its benchmarks in today's report.
if (filter && existsSync(jsonFile)) {
  const prior = JSON.parse(readFileSync(jsonFile, "utf8")) as {
    results?: BenchResult[];
    failures?: { name: string; error: string }[];
  };
  const ran = new Set(files.map((f) => f.replace(/\.bench\.ts$/, "")));
  const mine = new Set([...results.map((r) => r.name), ...failures.map((f) => f.name), ...ran]);
  results.unshift(...(prior.results ?? []).filter((r) => !mine.has(r.name)));
  failures.unshift(...(prior.failures ?? []).filter((f) => !mine.has(f.name)));
  results.sort((a, b) => a.name.localeCompare(b.name));
}
const report = { date: new Date().toISOString(), machine: await machine(), results, failures };
writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
const md = [
  `# Benchmarks — ${report.date}`,
  "",
  `Machine: ${report.machine.cpu}, ${report.machine.memoryGiB} GiB, ${report.machine.os}; Node ${report.machine.node}; Postgres ${report.machine.postgres}; NATS server ${report.machine.nats}; Redis ${report.machine.redis}; load average at the end ${report.machine.loadAverage.join(" / ")}.`,
  "The machine is shared: compare each figure with its baseline from the same run.",
  "",
  "| Benchmark | Figure | Value | Baseline (same run) | Goal |",
  "|---|---|---|---|---|",
  ...results.flatMap((r) =>
    r.figures.map(
      (f) =>
        `| ${r.name} | ${f.name} | ${f.value} ${f.unit} | ${f.baseline ? `${f.baseline.name}: ${f.baseline.value} ${f.baseline.unit}` : "—"} | ${f.goal ? `${f.goal} (${f.met ? "met" : "not met"})` : "—"} |`,
    ),
  ),
  "",
  ...results.flatMap((r) => [
    `## ${r.name}`,
    "",
    r.description,
    "",
    `Took ${r.seconds} s; load average before it ${r.loadAverageBefore?.join(" / ")}.`,
    "",
    ...(r.notes ?? []).map((n) => `- ${n}`),
    "",
  ]),
  ...(failures.length
    ? ["## Failed", "", ...failures.map((f) => `- ${f.name}: ${f.error.split("\n")[0]}`)]
    : []),
].join("\n");
writeFileSync(join(here, "results", `${date}.md`), `${md}\n`);
process.stdout.write(`[bench] wrote bench/results/${date}.json and .md\n`);
process.exit(failures.length ? 1 : 0);
