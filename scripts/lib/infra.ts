import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import { resolve } from "node:path";

export type Say = (line: string) => void;

/** True when something accepts TCP connections at host:port within the timeout. */
export function portOpen(host: string, port: number, timeoutMs = 800): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

export async function waitForPort(host: string, port: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(host, port, 300)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const hostPort = (url: string, defaultPort: number) => {
  const u = new URL(url.split(",")[0]!);
  return { host: u.hostname || "127.0.0.1", port: Number(u.port || defaultPort) };
};
const isLocal = (host: string) => ["127.0.0.1", "localhost", "::1"].includes(host);
const which = (bin: string) =>
  spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" }).stdout.trim();

/**
 * Makes sure Postgres, Redis and NATS (with JetStream) answer at their URLs. A local one that does
 * not answer is started from the installed binaries; if none is installed, says what to install.
 * Returns the child processes it started itself (stopped again on exit).
 */
export async function ensureInfrastructure(
  urls: { postgres: string; redis: string; nats: string },
  dataDir: string,
  say: Say,
): Promise<ChildProcess[]> {
  const started: ChildProcess[] = [];
  const problems: string[] = [];

  const pg = hostPort(urls.postgres, 5432);
  if (await portOpen(pg.host, pg.port)) say(`postgres   ok   ${pg.host}:${pg.port}`);
  else if (isLocal(pg.host) && which("pg_ctlcluster") && existsSync("/etc/postgresql")) {
    say("postgres   starting the local cluster (pg_ctlcluster) …");
    const version = spawnSync("ls", ["/etc/postgresql"], { encoding: "utf8" }).stdout.trim().split("\n")[0]!;
    spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { stdio: "inherit" });
    if (!(await waitForPort(pg.host, pg.port, 20_000)))
      problems.push("PostgreSQL did not start: see /var/log/postgresql/");
  } else {
    problems.push(
      `PostgreSQL does not answer at ${pg.host}:${pg.port}. Install and start it: apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect 15 main start (or set DATABASE_ADMIN_URL)`,
    );
  }

  const rd = hostPort(urls.redis, 6379);
  if (await portOpen(rd.host, rd.port)) say(`redis      ok   ${rd.host}:${rd.port}`);
  else if (isLocal(rd.host) && which("redis-server")) {
    say("redis      starting redis-server …");
    const child = spawn(
      "redis-server",
      ["--bind", "127.0.0.1", "--port", String(rd.port), "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    started.push(child);
    if (!(await waitForPort(rd.host, rd.port, 10_000))) problems.push("redis-server did not start");
  } else {
    problems.push(
      `Redis does not answer at ${rd.host}:${rd.port}. Install it: apt-get install -y redis-server (or set REDIS_URL)`,
    );
  }

  const nt = hostPort(urls.nats, 4222);
  const natsBin =
    which("nats-server") || (existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "");
  if (await portOpen(nt.host, nt.port)) say(`nats       ok   ${nt.host}:${nt.port}`);
  else if (isLocal(nt.host) && natsBin) {
    say("nats       starting nats-server with JetStream …");
    const storeDir = resolve(dataDir, "nats");
    mkdirSync(storeDir, { recursive: true });
    const child = spawn(natsBin, ["-a", "127.0.0.1", "-p", String(nt.port), "-js", "-sd", storeDir], {
      stdio: "ignore",
    });
    started.push(child);
    if (!(await waitForPort(nt.host, nt.port, 10_000))) problems.push("nats-server did not start");
  } else {
    problems.push(
      `NATS does not answer at ${nt.host}:${nt.port}. Install it: apt-get install -y nats-server, then run nats-server -js (or set NATS_URL)`,
    );
  }

  if (problems.length) {
    for (const c of started) c.kill("SIGTERM");
    throw new Error(`infrastructure missing:\n  - ${problems.join("\n  - ")}`);
  }
  return started;
}
