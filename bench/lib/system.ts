/**
 * The whole system for a benchmark, started with `npm start`'s launcher (as the journey test does):
 * its own database, NATS prefix, Redis prefix, ports and data directory, LOG_LEVEL=warn, a throwaway
 * SMTP server, configurable instance counts. Gives the gateway URL, an admin token, fast synthetic
 * bidders (tokens minted with the launcher's signing key, funded bank accounts opened over signed
 * bank RPCs as "users", bank-link events published onto the USER stream exactly as the user service's
 * relay does), open lots, each service process's PID and RSS, and `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { bank, catalog, users } from "@arte/contracts";
import { type Bus, callRpc, connectBus, createRedis, createTokenSigner } from "@arte/platform";
import { startSmtpServer, type TestSmtp } from "@arte/testing";
import { headers as natsHeaders } from "@nats-io/transport-node";
import pg from "pg";
import { http } from "./http.js";
import { runLoad } from "./load.js";

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "../..");
const ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export type Bidder = { index: number; userId: string; token: string; accountId: string };
export type Lot = { lotId: string; artworkId: string; startPrice: number; nextMinimum: number };
/** A service instance: the launcher's child with an INSTANCE_ID, and its own helpers (tsx's esbuild). */
export type ServiceProcess = { pid: number; label: string; service: string; helpers: number[] };
export type RssSample = ServiceProcess & { rssMiB: number; helpersMiB: number };

export type SystemOptions = {
  /** Instances per service (`INSTANCES_<NAME>`), e.g. `{ auction: 2 }`. Default 1 each. */
  instances?: Record<string, number>;
  /** Extra environment for the launcher (and so every service). */
  env?: Record<string, string>;
  /** How long the launcher may take until every process is healthy. */
  readyTimeoutMs?: number;
};

/** Reads `/proc/<pid>/status` VmRSS in MiB (NaN when the process is gone). */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU seconds a process has used so far (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** PIDs whose command line contains `needle` (e.g. `postgres: ` plus a database name). */
export function pidsByCommand(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").replaceAll("\0", " ").includes(needle))
        out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Every descendant of `root` (pid → ppid from /proc), and the direct children. */
function processTree(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // Field 4 of /proc/<pid>/stat, after the parenthesised command (which may contain spaces).
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(d));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

function descendants(children: Map<number, number[]>, root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function instanceIdOf(pid: number): string | null {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    return env.find((e) => e.startsWith("INSTANCE_ID="))?.slice("INSTANCE_ID=".length) ?? null;
  } catch {
    return null;
  }
}

async function adminQuery<T = Record<string, unknown>>(url: string, query: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(query, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** `BENCH_INSTANCES=auction=2,gateway=2` → instance counts. */
export function instancesFromEnv(): Record<string, number> {
  return Object.fromEntries(
    (process.env.BENCH_INSTANCES ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => kv.split("=") as [string, string])
      .map(([k, v]) => [k.trim(), Number(v)]),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type System = Awaited<ReturnType<typeof startSystem>>;

/** Starts the launcher and waits until it says every process is up (any DOWN is an error). */
export async function startSystem(opts: SystemOptions = {}) {
  const tag = randomBytes(3).toString("hex");
  const database = `arte_bench_${tag}`;
  const natsPrefix = `b${tag}`;
  const redisPrefix = `bench:${tag}:`;
  const offset = 20_000 + Math.floor(Math.random() * 400) * 10;
  const dataDir = resolve(ROOT, `.data/bench-${tag}`);
  const gatewayUrl = `http://127.0.0.1:${8080 + offset}`;
  const admin = { email: `admin-${tag}@arte-moderni.test`, password: `Bench-${tag}-password-1` };
  const dbUrl = (() => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${database}`;
    return u.toString();
  })();

  const smtp: TestSmtp = await startSmtpServer();
  const output: string[] = [];
  const launcher: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_NAME: database,
      NATS_PREFIX: natsPrefix,
      REDIS_PREFIX: redisPrefix,
      PORT_OFFSET: String(offset),
      GATEWAY_HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      SMTP_URL: smtp.url,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      // No demo catalogue, bidders or lots: the benchmark makes exactly what it measures.
      DEMO_DATA: "false",
      ...Object.fromEntries(
        Object.entries(opts.instances ?? {}).map(([k, v]) => [`INSTANCES_${k.toUpperCase()}`, String(v)]),
      ),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const launcherExited = new Promise<number | null>((r) => launcher.once("exit", (c) => r(c)));
  for (const s of [launcher.stdout!, launcher.stderr!])
    createInterface({ input: s }).on("line", (l) => {
      output.push(l);
      if (output.length > 400) output.splice(0, 100);
    });

  let stopped = false;
  /** Stops the launcher and so every service (their pools give their connections back); keeps the data. */
  async function stopServices() {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill("SIGINT");
      const t = setTimeout(() => launcher.kill("SIGKILL"), 30_000);
      await launcherExited;
      clearTimeout(t);
    }
  }
  /** Stops everything and drops the database, the streams, the Redis keys and the data directory. */
  async function stop() {
    if (stopped) return;
    stopped = true;
    await stopServices();
    await bus?.close().catch(() => {});
    await smtp.close().catch(() => {});
    await adminQuery(ADMIN_URL, `drop database if exists "${database}" with (force)`).catch(() => {});
    await dropStreams(natsPrefix).catch(() => {});
    await dropRedisKeys(redisPrefix).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }

  let bus: Bus | undefined;
  const started = Date.now();
  try {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
    while (!output.some((l) => l.includes("Press Ctrl-C"))) {
      if (launcher.exitCode !== null) throw new Error("the launcher exited");
      if (Date.now() > deadline) throw new Error("the launcher was not ready in time");
      await sleep(200);
    }
    const down = output.filter((l) => l.includes("DOWN"));
    if (down.length) throw new Error(`processes down: ${down.join("; ")}`);
  } catch (err) {
    const tail = output.slice(-40).join("\n");
    await stop();
    throw new Error(`${(err as Error).message}:\n${tail}`);
  }
  const startupMs = Date.now() - started;

  const keys = JSON.parse(readFileSync(resolve(dataDir, "keys/auth-signing.json"), "utf8"));
  const secrets = JSON.parse(readFileSync(resolve(dataDir, "keys/service-secrets.json"), "utf8")) as Record<
    string,
    string
  >;
  const signer = await createTokenSigner({
    privateJwk: keys.privateJwk,
    issuer: "arte-moderni",
    audience: "arte-moderni",
    ttlSeconds: 3600,
  });
  bus = await connectBus({ url: NATS_URL, name: `bench-${tag}`, prefix: natsPrefix });
  const api = http(gatewayUrl);

  const login = await api.request("POST", "/api/users/v1/auth/login", {
    body: { email: admin.email, password: admin.password },
  });
  if (login.status !== 200) {
    await stop();
    throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.json)}`);
  }
  const adminToken = (login.json as { accessToken: string }).accessToken;

  /** The service processes: the launcher's children that carry an INSTANCE_ID, with their helpers. */
  function processes(): ServiceProcess[] {
    const tree = processTree();
    const out: ServiceProcess[] = [];
    for (const pid of tree.get(launcher.pid!) ?? []) {
      const label = instanceIdOf(pid);
      if (label) out.push({ pid, label, service: label.split("#")[0]!, helpers: descendants(tree, pid) });
    }
    return out.sort((a, b) => a.label.localeCompare(b.label));
  }

  /**
   * N synthetic bidders, fast: a token minted with the signing key (USER, email verified), a funded
   * bank account opened as "users", and a bank-link event on the USER stream exactly as the user
   * service's relay publishes it; resolves when the auction service's bidder read model has them all.
   */
  async function createBidders(n: number, o: { balance?: number; concurrency?: number } = {}) {
    const asUsers = { service: "users", secret: secrets.users! };
    const bidders: Bidder[] = [];
    const opened = await runLoad({
      concurrency: o.concurrency ?? 8,
      total: n,
      maxMs: 180_000,
      fn: async (i) => {
        const userId = randomUUID();
        // The key makes a retry safe: a busy shared machine may fail a call now and then.
        const open = () =>
          callRpc(
            bus!,
            bank.OpenAccount,
            {
              holderName: `Bench bidder ${i}`,
              pin: "2580",
              openingBalance: o.balance ?? 1_000_000_000_000,
              key: `bench-open-${userId}`,
            },
            { credentials: asUsers, timeoutMs: 30_000 },
          );
        let account: Awaited<ReturnType<typeof open>> | undefined;
        for (let attempt = 0; !account; attempt++) {
          try {
            account = await open();
          } catch (err) {
            if (attempt >= 4) throw err;
            await sleep(500 * 2 ** attempt);
          }
        }
        const event = users.BankAccountLinkedV1.parse({
          id: randomUUID(),
          type: users.BankAccountLinkedV1.shape.type.value,
          occurredAt: new Date().toISOString(),
          correlationId: `bench-${tag}-${i}`,
          data: { userId, accountId: account.accountId, accountNumber: account.number, demo: true },
        });
        const h = natsHeaders();
        h.set("Correlation-Id", event.correlationId!);
        await bus!.js.publish(bus!.subject(event.type), JSON.stringify(event), {
          msgID: event.id,
          headers: h,
        });
        const token = await signer.sign({ sub: userId, role: "USER", sid: randomUUID(), ev: true });
        bidders[i] = { index: i, userId, token, accountId: account.accountId };
      },
    });
    if (opened.errors)
      throw new Error(
        `creating bidders failed: ${opened.errorSamples.join("; ")}; launcher output:\n${output
          .filter((l) => /error|fail|warn/i.test(l))
          .slice(-10)
          .join("\n")}`,
      );
    const ids = bidders.map((b) => b.userId);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [row] = await adminQuery<{ n: number }>(
        dbUrl,
        "select count(*)::int as n from auction.bidder where bank_account_id is not null and user_id = any($1::uuid[])",
        [ids],
      );
      if (row!.n === n) break;
      if (Date.now() > deadline) throw new Error(`bidder read model has ${row!.n} of ${n} bidders`);
      await sleep(250);
    }
    return bidders;
  }

  /**
   * K lots on K new artworks (of one new artist; no images), each starting a moment after it is
   * created; resolves when every one is OPEN.
   */
  async function createLots(
    k: number,
    o: { startPrice?: number; increments?: { upTo: number | null; step: number }[]; minutes?: number } = {},
  ) {
    const auth = { token: adminToken };
    const artist = await api.request("POST", "/api/catalog/v1/admin/artists", {
      ...auth,
      body: { nameKo: `벤치 작가 ${tag}`, nameEn: `Bench artist ${tag}`, birthYear: 1970, country: "KR" },
    });
    if (artist.status !== 201)
      throw new Error(`creating an artist: ${artist.status} ${JSON.stringify(artist.json)}`);
    const artistId = (artist.json as { id: string }).id;
    const painting = catalog.MEDIA.PAINTING;
    const artworks: string[] = [];
    const made = await runLoad({
      concurrency: 4,
      total: k,
      maxMs: 120_000,
      fn: async (i) => {
        const body: catalog.CreateArtworkBody = {
          artistId,
          titleKo: `벤치 작품 ${i + 1}`,
          titleEn: `Bench work ${i + 1}`,
          description: "An artwork made by the benchmark harness.",
          country: "KR",
          completionDate: "2020",
          size: { widthCm: 50, heightCm: 40, depthCm: null },
          medium: "PAINTING",
          theme: painting.themes[i % painting.themes.length]!,
          style: painting.styles[i % painting.styles.length]!,
          technique: painting.techniques[i % painting.techniques.length]!,
          estimateLow: 1_000_000,
          estimateHigh: 2_000_000,
        };
        const r = await api.request("POST", "/api/catalog/v1/admin/artworks", { ...auth, body });
        if (r.status !== 201) throw new Error(`creating an artwork: ${r.status} ${JSON.stringify(r.json)}`);
        artworks[i] = (r.json as { id: string }).id;
      },
    });
    if (made.errors) throw new Error(made.errorSamples.join("; "));
    const endsAt = new Date(Date.now() + (o.minutes ?? 30) * 60_000).toISOString();
    const startPrice = o.startPrice ?? 10_000;
    const lots: Lot[] = [];
    for (const artworkId of artworks.slice(0, k)) {
      // A start just ahead of each request (the auction refuses a start in the past).
      const startsAt = new Date(Date.now() + 2_000).toISOString();
      const r = await api.request("POST", "/api/auction/v1/admin/lots", {
        ...auth,
        body: {
          artworkId,
          startPrice,
          startsAt,
          endsAt,
          ...(o.increments ? { increments: o.increments } : {}),
        },
      });
      if (r.status !== 201) throw new Error(`creating a lot: ${r.status} ${JSON.stringify(r.json)}`);
      const lot = r.json as { lotId: string; nextMinimum: number };
      lots.push({ lotId: lot.lotId, artworkId, startPrice, nextMinimum: lot.nextMinimum });
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await adminQuery<{ n: number }>(
        dbUrl,
        "select count(*)::int as n from auction.lot where status = 'OPEN' and id = any($1::uuid[])",
        [lots.map((l) => l.lotId)],
      );
      if (row!.n === k) break;
      if (Date.now() > deadline) throw new Error(`only ${row!.n} of ${k} lots opened`);
      await sleep(250);
    }
    return lots;
  }

  return {
    tag,
    database,
    /** The bench database as the superuser (scratch schemas, checks). */
    dbUrl,
    natsPrefix,
    gatewayUrl,
    adminToken,
    startupMs,
    launcherPid: launcher.pid!,
    output,
    processes,
    /** VmRSS of every service process now. */
    rss(): RssSample[] {
      return processes().map((p) => ({
        ...p,
        rssMiB: rssMiB(p.pid),
        helpersMiB: p.helpers.reduce((sum, h) => sum + (rssMiB(h) || 0), 0),
      }));
    },
    /**
     * CPU seconds used so far by each service instance (with its helpers), this database's Postgres
     * backends (those alive now), nats-server and redis-server.
     */
    cpu(): Record<string, number> {
      const out: Record<string, number> = {};
      for (const p of processes())
        out[p.label] = [p.pid, ...p.helpers].reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      const sum = (pids: number[]) => pids.reduce((a, pid) => a + cpuSeconds(pid), 0);
      out.postgres = sum(pidsByCommand(` ${database} `));
      out["nats-server"] = sum(pidsByCommand("nats-server"));
      out["redis-server"] = sum(pidsByCommand("redis-server"));
      return out;
    },
    createBidders,
    createLots,
    query: <T = Record<string, unknown>>(q: string, params: unknown[] = []) =>
      adminQuery<T>(dbUrl, q, params),
    stopServices,
    stop,
  };
}

async function dropStreams(prefix: string) {
  const b = await connectBus({ url: NATS_URL, name: "bench-cleanup", prefix });
  try {
    for await (const s of b.jsm.streams.list()) {
      if (s.config.name.startsWith(`${prefix}_`)) await b.jsm.streams.delete(s.config.name);
    }
  } finally {
    await b.close();
  }
}

async function dropRedisKeys(prefix: string) {
  const r = createRedis(REDIS_URL, "");
  try {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== "0");
  } finally {
    r.disconnect();
  }
}
