/**
 * `npm start`: the whole system on one machine. Checks (and if needed starts) Postgres, Redis and NATS,
 * migrates every schema as its own role, creates the streams, starts a dev mail inbox when no SMTP
 * server is configured, runs every service as its own processes (N instances each, restarted when
 * they die, as an orchestrator would), waits for them to be healthy, prints where to go, and stops
 * everything on Ctrl-C.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { buildEntries } from "./lib/build.js";
import { seedDemo } from "./lib/demo.js";
import { ensureInfrastructure, portOpen, waitForPort } from "./lib/infra.js";
import { GATEWAY, roleOf, SERVICES, type ServiceSpec } from "./lib/services.js";
import {
  createStreams,
  dbUrl,
  firstAdmin,
  migrateAll,
  ROOT,
  seedDemoData,
  serviceSecrets,
  signingKeys,
} from "./lib/setup.js";

const env = process.env;
const DATA_DIR = resolve(ROOT, env.DATA_DIR ?? ".data");
// Inside the repository whatever DATA_DIR is: the built services resolve node_modules from here.
const buildDir = resolve(ROOT, ".data/build", String(process.pid));
const ADMIN_URL = env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DATABASE = env.DATABASE_NAME ?? "arte";
const NATS_URL = env.NATS_URL ?? "nats://127.0.0.1:4222";
const NATS_PREFIX = env.NATS_PREFIX ?? "";
const REDIS_URL = env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PORT_OFFSET = Number(env.PORT_OFFSET ?? 0);
const GATEWAY_PORT = Number(env.GATEWAY_PORT ?? 8080 + PORT_OFFSET);
const PUBLIC_URL = env.PUBLIC_URL ?? `http://localhost:${GATEWAY_PORT}`;
const MAILDEV_SMTP_PORT = Number(env.MAILDEV_SMTP_PORT ?? 1025);
const MAILDEV_WEB_PORT = Number(env.MAILDEV_WEB_PORT ?? 1080);
const instancesOf = (name: string) =>
  Math.max(1, Number(env[`INSTANCES_${name.toUpperCase()}`] ?? env.INSTANCES ?? 1));

const say = (line: string) => process.stdout.write(`[arte] ${line}\n`);
const children = new Map<string, ChildProcess>();
const infraChildren: ChildProcess[] = [];
let stopping = false;

function pipeWithPrefix(child: ChildProcess, label: string) {
  const out = (stream: NodeJS.ReadableStream | null, sink: NodeJS.WriteStream) => {
    if (!stream) return;
    createInterface({ input: stream }).on("line", (l) => sink.write(`${label.padEnd(16)}| ${l}\n`));
  };
  out(child.stdout, process.stdout);
  out(child.stderr, process.stderr);
}

/**
 * Runs one instance; restarts it with backoff when it dies while we are not stopping. The backoff
 * starts over once an instance has run for a minute (as an orchestrator's crash-loop backoff does),
 * so an instance killed now and then comes back in half a second, not in ten.
 */
function run(label: string, args: string[], childEnv: NodeJS.ProcessEnv, restarts = 0) {
  const startedAt = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.set(label, child);
  pipeWithPrefix(child, label);
  child.on("exit", (code, signal) => {
    if (children.get(label) === child) children.delete(label);
    if (stopping) return;
    if (Date.now() - startedAt > 60_000) restarts = 0;
    const delay = Math.min(10_000, 500 * 2 ** Math.min(restarts, 5));
    say(`${label} exited (${signal ?? code}); restarting in ${delay} ms`);
    setTimeout(() => !stopping && run(label, args, childEnv, restarts + 1), delay);
  });
}

async function main() {
  mkdirSync(DATA_DIR, { recursive: true });
  say("Arte Moderni — starting");
  infraChildren.push(
    ...(await ensureInfrastructure({ postgres: ADMIN_URL, redis: REDIS_URL, nats: NATS_URL }, DATA_DIR, say)),
  );
  await migrateAll({ adminUrl: ADMIN_URL, database: DATABASE, say });
  await createStreams({ natsUrl: NATS_URL, prefix: NATS_PREFIX, say });
  const keys = await signingKeys(DATA_DIR, env);
  const admin = await firstAdmin({ adminUrl: ADMIN_URL, database: DATABASE, env });
  buildWebApp();
  const blobDir = resolve(DATA_DIR, "blobs");
  if (env.DEMO_DATA !== "false")
    await seedDemoData({ adminUrl: ADMIN_URL, database: DATABASE, blobDir, say });
  const secrets = serviceSecrets(
    DATA_DIR,
    SERVICES.map((s) => s.name),
    env,
  );
  // Who may call the bank (ADR 0006): every other service, each with its own secret.
  const bankCallers = JSON.stringify(
    Object.fromEntries(Object.entries(secrets).filter(([n]) => n !== "bank")),
  );

  let smtpUrl = env.SMTP_URL;
  let mailUi: string | null = null;
  if (!smtpUrl) {
    if (await portOpen("127.0.0.1", MAILDEV_SMTP_PORT)) {
      say(`mail       something already listens on ${MAILDEV_SMTP_PORT}; using it as the SMTP server`);
    } else {
      const maildev = spawn(
        resolve(ROOT, "node_modules/.bin/maildev"),
        [
          "--smtp",
          String(MAILDEV_SMTP_PORT),
          "--web",
          String(MAILDEV_WEB_PORT),
          "--ip",
          "127.0.0.1",
          "--silent",
        ],
        { stdio: "ignore" },
      );
      infraChildren.push(maildev);
      await waitForPort("127.0.0.1", MAILDEV_WEB_PORT, 15_000);
    }
    smtpUrl = `smtp://127.0.0.1:${MAILDEV_SMTP_PORT}`;
    mailUi = `http://localhost:${MAILDEV_WEB_PORT}`;
  }

  // Each process runs its built bundle under plain node (scripts/lib/build.ts); RUN_FROM_SOURCE=1 runs
  // the TypeScript through tsx instead. A small young generation keeps idle processes small.
  const entries: Record<string, string> = Object.fromEntries(
    [...SERVICES, GATEWAY].map((s) => [s.name, resolve(ROOT, s.dir, "src/main.ts")]),
  );
  // SERVICE_NODE_ARGS: more node flags for every service process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
  const nodeArgs = [
    "--enable-source-maps",
    `--max-semi-space-size=${env.NODE_SEMI_SPACE_MB ?? "2"}`,
    ...(env.SERVICE_NODE_ARGS ?? "").split(/\s+/).filter(Boolean),
  ];
  let programs: Record<string, string[]>;
  if (env.RUN_FROM_SOURCE === "1") {
    programs = Object.fromEntries(Object.entries(entries).map(([n, f]) => [n, ["--import", "tsx", f]]));
  } else {
    const built = await buildEntries(entries, buildDir);
    programs = Object.fromEntries(Object.entries(built).map(([n, f]) => [n, [...nodeArgs, f]]));
    say(`Built            ${Object.keys(built).length} services into ${buildDir}`);
  }

  const common: NodeJS.ProcessEnv = {
    ...env,
    NODE_ENV: env.NODE_ENV ?? "development",
    LOG_LEVEL: env.LOG_LEVEL ?? "info",
    NATS_URL,
    NATS_PREFIX,
    REDIS_URL,
    AUTH_JWKS: keys.jwks,
    PUBLIC_URL,
    // Files the built services cannot find next to their code.
    TEMPLATE_DIR: env.TEMPLATE_DIR ?? resolve(ROOT, "services/notification/src/templates"),
    WEB_DIST: env.WEB_DIST ?? resolve(ROOT, "apps/web/dist"),
  };
  const upstreams: Record<string, string[]> = {};
  const started: { svc: ServiceSpec; port: number; label: string }[] = [];
  for (const svc of SERVICES) {
    const n = instancesOf(svc.name);
    upstreams[svc.name] = [];
    for (let i = 0; i < n; i++) {
      const port = svc.basePort + PORT_OFFSET + i;
      const label = `${svc.name}#${i}`;
      upstreams[svc.name]!.push(`http://127.0.0.1:${port}`);
      run(label, programs[svc.name]!, {
        ...common,
        PORT: String(port),
        INSTANCE_ID: label,
        DATABASE_URL: dbUrl(ADMIN_URL, DATABASE, roleOf(svc.schema!)),
        AUTH_PRIVATE_JWK: svc.name === "users" ? keys.privateJwk : "",
        SERVICE_SECRET: secrets[svc.name],
        ...(svc.name === "bank" ? { RPC_CALLERS: bankCallers } : {}),
        // npm start is the demo and dev system: demo bank accounts are on unless switched off.
        DEMO_BANK: env.DEMO_BANK ?? "true",
        // One machine's Postgres allows 100 connections: keep every instance's pool small here.
        DB_POOL_SIZE: env.DB_POOL_SIZE ?? "6",
        BLOB_DIR: env.BLOB_DIR ?? blobDir,
        SMTP_URL: smtpUrl,
      });
      started.push({ svc, port, label });
    }
  }
  const gwInstances = instancesOf("gateway");
  for (let i = 0; i < gwInstances; i++) {
    const port = GATEWAY_PORT + i;
    const label = `gateway#${i}`;
    const upstreamEnv = Object.fromEntries(
      SERVICES.filter((s) => s.public).map((s) => [
        `UPSTREAM_${s.name.toUpperCase()}`,
        upstreams[s.name]!.join(","),
      ]),
    );
    run(label, programs.gateway!, {
      ...common,
      ...upstreamEnv,
      HOST: env.GATEWAY_HOST ?? "0.0.0.0",
      PORT: String(port),
      INSTANCE_ID: label,
      CORS_ORIGINS: env.CORS_ORIGINS ?? `${PUBLIC_URL},http://localhost:5173`,
    });
    started.push({ svc: GATEWAY, port, label });
  }

  const health = await Promise.all(
    started.map(async (s) => ({ ...s, up: await waitForHealth(s.port, 180_000) })),
  );
  const demo = await seedDemo({
    adminUrl: ADMIN_URL,
    database: DATABASE,
    natsUrl: NATS_URL,
    natsPrefix: NATS_PREFIX,
    gatewayUrl: `http://127.0.0.1:${GATEWAY_PORT}`,
    usersSecret: secrets.users,
    env,
    say,
  }).catch((err) => [`Demo data        not seeded: ${err instanceof Error ? err.message : String(err)}`]);
  say("");
  say("service          port   health");
  for (const h of health)
    say(
      `${h.label.padEnd(16)} ${String(h.port).padEnd(6)} ${h.up ? "up" : "DOWN (see its log lines above)"}`,
    );
  say("");
  say(`Arte Moderni     ${PUBLIC_URL}`);
  // Nothing balances between gateway instances here (a load balancer or Kubernetes Service does in
  // production): clients pick one of these and move to another when it refuses.
  if (gwInstances > 1)
    say(
      `Gateways         ${Array.from({ length: gwInstances }, (_, i) => `http://127.0.0.1:${GATEWAY_PORT + i}`).join(" ")}`,
    );
  say(`API docs         ${PUBLIC_URL}/api/docs`);
  if (mailUi) say(`Mail inbox       ${mailUi}   (every email the platform sends lands here)`);
  say(
    admin.created
      ? `Admin            ${admin.email} / ${admin.password}   (created now; change the password after signing in)`
      : `Admin            ${admin.email}   (already existed; set ADMIN_EMAIL/ADMIN_PASSWORD before the first run to choose them)`,
  );
  for (const line of demo) say(line);
  say("Press Ctrl-C to stop everything.");
}

/** Builds the web app once (the gateway serves apps/web/dist); WEB_BUILD=false skips it. */
function buildWebApp() {
  if (env.WEB_BUILD === "false" || existsSync(resolve(ROOT, "apps/web/dist/index.html"))) return;
  say("web        building the web app (once) …");
  const r = spawnSync("npm", ["run", "build", "-w", "@arte/web"], { cwd: ROOT, stdio: "ignore" });
  say(
    r.status === 0
      ? "web        built apps/web/dist"
      : "web        build failed: the gateway serves the placeholder page",
  );
}

async function waitForHealth(port: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping …");
  const waits = [...children.values()].map(
    (c) =>
      new Promise<void>((res) => {
        if (c.exitCode !== null || c.signalCode !== null) return res();
        c.once("exit", () => res());
        c.kill("SIGTERM");
        setTimeout(() => {
          c.kill("SIGKILL");
          res();
        }, 12_000).unref();
      }),
  );
  await Promise.all(waits);
  for (const c of infraChildren) c.kill("SIGTERM");
  rmSync(buildDir, { recursive: true, force: true });
  say("stopped");
  process.exit(code);
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
main().catch((err) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  void stopAll(1);
});
