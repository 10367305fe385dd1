import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs pgbench with a custom script (the raw-SQL baseline of a benchmark) and returns its rate and
 * average latency. `-n`: no vacuum of pgbench's own tables (we bring our own).
 */
export function pgbench(opts: {
  url: string;
  script: string;
  clients: number;
  seconds: number;
  defines?: Record<string, string | number>;
  /** `search_path` for the session (a service's schema). */
  schema?: string;
}): { tps: number; latencyMsAvg: number; raw: string } {
  const dir = mkdtempSync(join(tmpdir(), "arte-pgbench-"));
  const file = join(dir, "script.sql");
  writeFileSync(file, opts.script);
  const u = new URL(opts.url);
  const args = [
    "-n",
    "-f",
    file,
    "-c",
    String(opts.clients),
    "-j",
    String(Math.min(opts.clients, 2)),
    "-T",
    String(opts.seconds),
    "-h",
    u.hostname,
    "-p",
    u.port || "5432",
    "-U",
    decodeURIComponent(u.username || "postgres"),
    ...Object.entries(opts.defines ?? {}).flatMap(([k, v]) => ["-D", `${k}=${v}`]),
    u.pathname.slice(1),
  ];
  const env = { ...process.env, ...(opts.schema ? { PGOPTIONS: `-c search_path=${opts.schema}` } : {}) };
  const r = spawnSync("pgbench", args, { encoding: "utf8", env });
  const raw = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`pgbench failed: ${raw.slice(-500)}`);
  const tps = Number(/tps = ([\d.]+)/.exec(raw)?.[1] ?? Number.NaN);
  const latencyMsAvg = Number(/latency average = ([\d.]+) ms/.exec(raw)?.[1] ?? Number.NaN);
  return { tps, latencyMsAvg, raw };
}
