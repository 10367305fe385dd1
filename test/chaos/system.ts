/**
 * The system under chaos: `npm start`'s launcher with its own database, NATS prefix, Redis prefix,
 * ports and data directory, on a PRIVATE nats-server and redis-server started here (so killing them
 * harms no other session), a real SMTP sink, raised rate limits, and N instances of every service and
 * of the gateway. Gives the gateway URLs, a token signer (the launcher's key), the service secrets, a
 * bus connection, the launcher's service processes (PID + INSTANCE_ID), the infrastructure's kill and
 * restart levers, and `stop()` that removes everything it made.
 *
 * bench/lib/system.ts does much the same for benchmarks; it reads NATS_URL/REDIS_URL once at import and
 * was still being written when this was, so the chaos suite keeps this small version of its own.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  type WriteStream,
} from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { type Bus, connectBus, createTokenSigner, type TokenSigner } from "@arte/platform";
import { type ReceivedMail, startSmtpServer, type TestSmtp } from "@arte/testing";
import pg from "pg";
import { portOpen, waitForPort } from "../../scripts/lib/infra.js";
import { SERVICES } from "../../scripts/lib/services.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const ADMIN_DB_URL = process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service or gateway instance run by the launcher. */
export type Instance = { pid: number; label: string; service: string };

export type ChaosSystemOptions = {
  /** Instances of every service and of the gateway (INSTANCES). */
  instances: number;
  /** Extra environment for the launcher and so every process. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Where the launcher's output goes (one file, kept after stop for post-mortems). */
  logFile?: string;
};

/** A server this harness runs itself (nats-server, redis-server), killable and restartable. */
export type PrivateServer = {
  name: string;
  url: string;
  port: number;
  pid(): number | undefined;
  /** kill -9, then start it again on the same port (and store) after `downMs`. */
  crash(downMs: number): Promise<void>;
  stop(): Promise<void>;
};

function startPrivateServer(name: string, port: number, bin: string, args: string[]): PrivateServer {
  let child: ChildProcess | undefined;
  const launch = () => {
    child = spawn(bin, args, { stdio: "ignore" });
  };
  launch();
  return {
    name,
    port,
    url: name === "nats" ? `nats://127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    pid: () => child?.pid,
    async crash(downMs) {
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once("exit", r));
        c.kill("SIGKILL");
        await gone;
      }
      await sleep(downMs);
      launch();
      if (!(await waitForPort("127.0.0.1", port, 20_000))) throw new Error(`${name} did not come back`);
    },
    async stop() {
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once("exit", r));
        c.kill("SIGKILL");
        await gone;
      }
    },
  };
}

function which(bin: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  const known = ["/usr/sbin", "/usr/local/bin", "/usr/bin"]
    .map((d) => `${d}/${bin}`)
    .find((f) => existsSync(f));
  if (known) return known;
  throw new Error(`${bin} is not installed (apt-get install -y ${bin})`);
}

/** The INSTANCE_ID a process was started with by the launcher (null: not one of its instances). */
export function instanceIdOf(pid: number): string | null {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    return env.find((e) => e.startsWith("INSTANCE_ID="))?.slice("INSTANCE_ID=".length) ?? null;
  } catch {
    return null;
  }
}

/** Direct children of a process, from /proc (what `ps --ppid` prints). */
export function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      // Field 4, after the parenthesised command (which may contain spaces).
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === ppid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function adminSql<T = Record<string, unknown>>(
  url: string,
  query: string,
  params: unknown[] = [],
) {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {}); // a restart of Postgres fails the query in flight; nothing else
  await c.connect();
  try {
    return (await c.query(query, params)).rows as T[];
  } finally {
    await c.end().catch(() => {});
  }
}

export type ChaosSystem = Awaited<ReturnType<typeof startChaosSystem>>;

export async function startChaosSystem(opts: ChaosSystemOptions) {
  const tag = randomBytes(3).toString("hex");
  const database = `arte_chaos_${tag}`;
  const natsPrefix = `c${tag}`;
  const redisPrefix = `chaos:${tag}:`;
  // Ports: services 4100+offset…, gateways 8080+offset…, NATS 4222+offset, Redis 6379+offset. Offsets
  // 1,000–5,990 keep every port below the suites' (offsets 10,000–23,990) and below Linux's ephemeral
  // range (32768+), where an outgoing connection's local port can take a restarting instance's port.
  let offset = 1_000;
  for (let tries = 0; ; tries++) {
    offset = 1_000 + Math.floor(Math.random() * 500) * 10;
    const ports = [4222, 6379, ...SERVICES.flatMap((s) => [s.basePort, s.basePort + 1, s.basePort + 2])];
    for (let i = 0; i < opts.instances; i++) ports.push(8080 + i);
    const busy = await Promise.all(ports.map((p) => portOpen("127.0.0.1", p + offset, 300)));
    if (!busy.some(Boolean)) break;
    if (tries > 20) throw new Error("no free port range for the chaos system");
  }
  const dataDir = resolve(ROOT, `.data/chaos-${tag}`);
  mkdirSync(resolve(dataDir, "nats"), { recursive: true });
  const dbUrl = (() => {
    const u = new URL(ADMIN_DB_URL);
    u.pathname = `/${database}`;
    return u.toString();
  })();
  const admin = { email: `admin-${tag}@arte-moderni.test`, password: `Chaos-${tag}-password-1` };
  const gateways = Array.from({ length: opts.instances }, (_, i) => `http://127.0.0.1:${8080 + offset + i}`);

  const nats = startPrivateServer("nats", 4222 + offset, which("nats-server"), [
    "-a",
    "127.0.0.1",
    "-p",
    String(4222 + offset),
    "-js",
    "-sd",
    resolve(dataDir, "nats"),
  ]);
  const redis = startPrivateServer("redis", 6379 + offset, which("redis-server"), [
    "--bind",
    "127.0.0.1",
    "--port",
    String(6379 + offset),
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  const smtp: TestSmtp = await startSmtpServer();
  const logFile = opts.logFile ?? resolve(tmpdir(), `arte-chaos-${tag}.log`);
  const log: WriteStream = createWriteStream(logFile);
  const output: string[] = [];

  let launcher: ChildProcess | undefined;
  let bus: Bus | undefined;
  let stopped = false;
  let known: Instance[] = [];

  async function stop() {
    if (stopped) return;
    stopped = true;
    const l = launcher;
    if (l && l.exitCode === null && l.signalCode === null) {
      const last = processes();
      const exited = new Promise((r) => l.once("exit", r));
      l.kill("SIGINT");
      const t = setTimeout(() => l.kill("SIGKILL"), 45_000);
      await exited;
      clearTimeout(t);
      // A launcher that had to be killed leaves its children: end them by their ids.
      for (const p of [...last, ...known]) {
        try {
          if (instanceIdOf(p.pid) === p.label) process.kill(p.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await bus?.close().catch(() => {});
    await smtp.close().catch(() => {});
    await nats.stop();
    await redis.stop();
    await adminSql(ADMIN_DB_URL, `drop database if exists "${database}" with (force)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    await new Promise<void>((r) => log.end(() => r()));
  }

  /** The launcher's children that carry an INSTANCE_ID: every service and gateway instance now. */
  function processes(): Instance[] {
    if (!launcher?.pid) return [];
    const out: Instance[] = [];
    for (const pid of childrenOf(launcher.pid)) {
      const label = instanceIdOf(pid);
      if (label) out.push({ pid, label, service: label.split("#")[0]! });
    }
    known = out;
    return out.sort((a, b) => a.label.localeCompare(b.label));
  }

  try {
    for (const s of [nats, redis])
      if (!(await waitForPort("127.0.0.1", s.port, 20_000))) throw new Error(`${s.name} did not start`);
    launcher = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_NAME: database,
        NATS_URL: nats.url,
        NATS_PREFIX: natsPrefix,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redisPrefix,
        PORT_OFFSET: String(offset),
        GATEWAY_HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        SMTP_URL: smtp.url,
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
        INSTANCES: String(opts.instances),
        LOG_LEVEL: "warn",
        // One address sends everything here; the limits themselves are tested in the gateway.
        RATE_LIMIT_DEFAULT: "10000000",
        RATE_LIMIT_AUTH: "10000000",
        RATE_LIMIT_EMAIL: "10000000",
        LIVE_MAX_SOCKETS_PER_IP: "10000",
        // The Postgres server is shared (max_connections 100): smaller pools for many instances.
        DB_POOL_SIZE: "6",
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const s of [launcher.stdout!, launcher.stderr!])
      createInterface({ input: s }).on("line", (l) => {
        log.write(`${l}\n`);
        output.push(l);
        if (output.length > 2000) output.splice(0, 500);
      });
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 240_000);
    while (!output.some((l) => l.includes("Press Ctrl-C"))) {
      if (launcher.exitCode !== null) throw new Error("the launcher exited");
      if (Date.now() > deadline) throw new Error("the launcher was not ready in time");
      await sleep(250);
    }
    const down = output.filter((l) => l.includes("DOWN"));
    if (down.length) throw new Error(`processes down: ${down.join("; ")}`);
  } catch (err) {
    const tail = output.slice(-40).join("\n");
    await stop();
    throw new Error(`${(err as Error).message} (log ${logFile}):\n${tail}`);
  }

  const keys = JSON.parse(readFileSync(resolve(dataDir, "keys/auth-signing.json"), "utf8"));
  const secrets = JSON.parse(readFileSync(resolve(dataDir, "keys/service-secrets.json"), "utf8")) as Record<
    string,
    string
  >;
  const signer: TokenSigner = await createTokenSigner({
    privateJwk: keys.privateJwk,
    issuer: process.env.AUTH_ISSUER ?? "arte-moderni",
    audience: process.env.AUTH_AUDIENCE ?? "arte-moderni",
    ttlSeconds: 4 * 3600,
  });
  bus = await connectBus({ url: nats.url, name: `chaos-${tag}`, prefix: natsPrefix });
  const [adminRow] = await adminSql<{ id: string }>(dbUrl, "select id from users.app_user where email = $1", [
    admin.email,
  ]);
  if (!adminRow) {
    await stop();
    throw new Error("the launcher created no admin");
  }

  return {
    tag,
    database,
    dbUrl,
    natsPrefix,
    redisPrefix,
    offset,
    gateways,
    dataDir,
    logFile,
    smtp,
    mails: smtp.mails as ReceivedMail[],
    nats,
    redis,
    bus,
    signer,
    secrets,
    admin: { ...admin, userId: adminRow.id },
    launcherPid: launcher!.pid!,
    output,
    /** Services the launcher runs (gateway aside), with their schema. */
    services: SERVICES,
    processes,
    sql: <T = Record<string, unknown>>(q: string, params: unknown[] = []) => adminSql<T>(dbUrl, q, params),
    stop,
  };
}
