/**
 * The whole system for a system test: `npm start`'s launcher with its own database, NATS prefix,
 * Redis prefix, ports and data directory, a real SMTP server, rate limits raised (the security tests
 * send thousands of requests from one address), an admin, tokens minted with the launcher's signing
 * key, and bidders signed up through the gateway with the emailed code. A test sets more (demo data,
 * instances, its own limits) through `extraEnv`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createTokenSigner, type TokenSigner } from "@arte/platform";
import { startSmtpServer, type TestSmtp } from "@arte/testing";
import pg from "pg";
import { SERVICES } from "../../scripts/lib/services.js";
import { childrenOf, instanceIdOf } from "../chaos/system.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ADMIN_DB_URL = process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Services the launcher runs behind the gateway; operations of any other service have no upstream. */
export const LAUNCHED_SERVICES = new Set(SERVICES.filter((s) => s.public).map((s) => s.name));

export type Role = "USER" | "ADMIN";
export type Caller = { name: string; userId: string; role: Role; email: string };

export type HttpResult = {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  contentType: string;
};

export type System = Awaited<ReturnType<typeof startSystem>>;

export async function startSystem(
  name: string,
  extraEnv: Record<string, string> = {},
  opts: { readyTimeoutMs?: number } = {},
) {
  const tag = randomBytes(3).toString("hex");
  const database = `arte_${name}_${tag}`;
  const offset = 10_000 + Math.floor(Math.random() * 500) * 10;
  const gateway = `http://127.0.0.1:${8080 + offset}`;
  const dataDir = `.data/${name}-${tag}`;
  const admin = { email: `admin-${tag}@arte-moderni.test`, password: "Admin-password-1234" };
  const smtp: TestSmtp = await startSmtpServer();
  /** The running launcher's output lines (at most the latest 5,000), since its last start. */
  const output: string[] = [];
  const env = {
    ...process.env,
    DATABASE_NAME: database,
    NATS_PREFIX: `s${tag}`,
    REDIS_PREFIX: `${name}:${tag}:`,
    PORT_OFFSET: String(offset),
    GATEWAY_HOST: "127.0.0.1",
    SMTP_URL: smtp.url,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    RATE_LIMIT_DEFAULT: "1000000",
    RATE_LIMIT_AUTH: "1000000",
    RATE_LIMIT_EMAIL: "1000000",
    // No demo catalogue or lots: nothing opens, closes or settles on its own while a test counts rows.
    DEMO_DATA: "false",
    // Small pools: this system shares Postgres (max_connections) with the other tests' systems.
    DB_POOL_SIZE: "6",
    ...extraEnv,
  };
  let launcher: ChildProcess;

  /** Starts the launcher and waits for its "Press Ctrl-C" (every process up). */
  async function launch() {
    output.length = 0;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    launcher = child;
    await new Promise<void>((ok, fail) => {
      const t = setTimeout(
        () => fail(new Error(`launcher not ready:\n${output.slice(-40).join("\n")}`)),
        opts.readyTimeoutMs ?? 100_000,
      );
      for (const s of [child.stdout!, child.stderr!]) {
        createInterface({ input: s }).on("line", (l) => {
          output.push(l);
          if (output.length > 5000) output.splice(0, 1000);
          if (l.includes("Press Ctrl-C")) {
            clearTimeout(t);
            ok();
          }
        });
      }
      child.once("exit", (code) => {
        clearTimeout(t);
        fail(new Error(`launcher exited ${code}:\n${output.slice(-40).join("\n")}`));
      });
    });
  }

  /** Ctrl-C to the launcher; its exit code (null if a signal ended it). */
  async function halt(): Promise<number | null> {
    const child = launcher;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGINT");
    return exited;
  }

  /** Drops the database and the data directory, stops the SMTP server. */
  async function cleanUp() {
    await smtp.close();
    const c = new pg.Client({ connectionString: ADMIN_DB_URL });
    await c.connect();
    try {
      await c.query(`drop database if exists "${database}" with (force)`);
    } finally {
      await c.end();
    }
    rmSync(resolve(ROOT, dataDir), { recursive: true, force: true });
  }

  try {
    await launch();
  } catch (err) {
    await halt();
    await cleanUp();
    throw err;
  }

  const keyFile = JSON.parse(readFileSync(resolve(ROOT, dataDir, "keys/auth-signing.json"), "utf8"));
  const signer: TokenSigner = await createTokenSigner({
    privateJwk: keyFile.privateJwk,
    issuer: process.env.AUTH_ISSUER ?? "arte-moderni",
    audience: process.env.AUTH_AUDIENCE ?? "arte-moderni",
    ttlSeconds: 900,
  });

  async function request(
    method: string,
    path: string,
    opts: {
      token?: string | undefined;
      json?: unknown;
      body?: string | Uint8Array | undefined;
      contentType?: string | undefined;
      headers?: Record<string, string>;
      cookie?: string | undefined;
    } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] = "application/json";
    }
    if (opts.contentType !== undefined) headers["content-type"] = opts.contentType;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    const res = await fetch(`${gateway}${path}`, {
      method,
      headers,
      body: body as RequestInit["body"],
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return {
      status: res.status,
      headers: res.headers,
      text,
      json,
      contentType: res.headers.get("content-type") ?? "",
    };
  }

  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const port = 8080 + offset;
  /** A request with the target exactly as given (no URL normalisation), over loopback. */
  function raw(
    method: string,
    target: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<HttpResult> {
    return new Promise((ok, fail) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method,
          path: target,
          // Node sends no Content-Length for a DELETE's body by itself: the server would read it as
          // the next request.
          headers:
            body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
          agent,
          timeout: 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", fail);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown = null;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              json = null;
            }
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
            ok({
              status: res.statusCode ?? 0,
              headers: h,
              text,
              json,
              contentType: h.get("content-type") ?? "",
            });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timed out: ${method} ${target}`)));
      req.on("error", fail);
      req.end(body);
    });
  }

  /**
   * A fresh access token (its own session id, so a logout-all by one call ends no other call's);
   * `ev: false` for an unverified email, which the real flows never sign.
   */
  const tokenFor = (c: Pick<Caller, "userId" | "role">, claims: { ev?: boolean } = {}) =>
    signer.sign({ sub: c.userId, role: c.role, sid: randomUUID(), ev: claims.ev ?? true });

  /** A query on the system's database, as the admin or as `opts.user` (e.g. a service's own role). */
  async function sql<T = Record<string, unknown>>(
    query: string,
    params: unknown[] = [],
    opts: { user?: string } = {},
  ): Promise<T[]> {
    const c = new pg.Client({ connectionString: dbUrl(database, opts.user) });
    await c.connect();
    try {
      return (await c.query(query, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** Signs a bidder up through the gateway: code by email, confirm, sign up, log in. */
  async function signUp(
    who: string,
    opts: { password?: string } = {},
  ): Promise<Caller & { accessToken: string }> {
    const email = `${who}.${tag}@example.com`;
    const password = opts.password ?? `${who}-passphrase-77`;
    const req = await request("POST", "/api/users/v1/email-verifications", { json: { email } });
    if (req.status !== 202) throw new Error(`code request ${req.status}: ${req.text}`);
    const mail = await smtp.waitFor((m) => m.to.includes(email) && /\b\d{6}\b/.test(m.text), 20_000);
    const code = /\b(\d{6})\b/.exec(mail.text)![1];
    const conf = await request("POST", "/api/users/v1/email-verifications/confirm", {
      json: { email, code },
    });
    const body = {
      email,
      password,
      username: who,
      birth: "1985-06-01",
      gender: "X",
      phoneNumber: "010-2222-3333",
      postcode: "04524",
      address: "서울특별시 중구 세종대로 110",
      verificationToken: (conf.json as { verificationToken: string }).verificationToken,
    };
    const created = await request("POST", "/api/users/v1/users", { json: body });
    if (created.status !== 201) throw new Error(`sign-up ${created.status}: ${created.text}`);
    const login = await request("POST", "/api/users/v1/auth/login", { json: { email, password } });
    const l = login.json as { accessToken: string; user: { id: string } };
    return { name: who, userId: l.user.id, role: "USER", email, accessToken: l.accessToken };
  }

  async function adminCaller(): Promise<Caller> {
    const login = await request("POST", "/api/users/v1/auth/login", { json: admin });
    if (login.status !== 200) throw new Error(`admin login ${login.status}: ${login.text}`);
    const l = login.json as { user: { id: string } };
    return { name: "admin", userId: l.user.id, role: "ADMIN", email: admin.email };
  }

  /** The launcher's service and gateway instances running now (pid and label, e.g. `auction#1`). */
  function instances(service?: string): { pid: number; label: string }[] {
    if (!launcher.pid) return [];
    return childrenOf(launcher.pid)
      .map((pid) => ({ pid, label: instanceIdOf(pid) }))
      .filter((p): p is { pid: number; label: string } => Boolean(p.label))
      .filter((p) => !service || p.label.startsWith(`${service}#`))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** Stops the launcher and removes what it made; the launcher's exit code (0 for a clean Ctrl-C). */
  async function stop(): Promise<number | null> {
    const code = await halt();
    agent.destroy();
    await cleanUp();
    return code;
  }

  /** Stops the launcher and starts it again on the same database; the stopped run's exit code. */
  async function restart(): Promise<number | null> {
    const code = await halt();
    await launch();
    return code;
  }

  return {
    tag,
    admin,
    database,
    gateway,
    dataDir,
    smtp,
    output,
    request,
    raw,
    tokenFor,
    sql,
    signUp,
    adminCaller,
    instances,
    stop,
    restart,
  };
}

function dbUrl(database: string, user?: string) {
  const u = new URL(ADMIN_DB_URL);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user;
    u.password = "";
  }
  return u.toString();
}

/** Tables whose rows are bookkeeping, not state a request may change: outbox, inbox, keys, logs, migrations. */
const BOOKKEEPING = /^(outbox|inbox|idempotency_key|kysely_migration|kysely_migration_lock)$|log|audit/;

/**
 * Row counts of every table of every service schema (but bookkeeping), as one comparable record
 * `schema.table → count`.
 */
export async function rowCountFingerprint(system: System): Promise<Record<string, number>> {
  const schemas = SERVICES.map((s) => s.schema).filter((s): s is string => Boolean(s));
  const tables = await system.sql<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_schema = any($1) and table_type = 'BASE TABLE' order by 1, 2`,
    [schemas],
  );
  const counted = tables.filter((t) => !BOOKKEEPING.test(t.name));
  if (counted.length === 0) return {};
  const union = counted
    .map((t) => `select '${t.schema}.${t.name}' as t, count(*)::int as n from "${t.schema}"."${t.name}"`)
    .join(" union all ");
  const rows = await system.sql<{ t: string; n: number }>(union);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

/** Waits until two fingerprints a second apart agree (background consumers and jobs have settled). */
export async function settledFingerprint(system: System, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let prev = await rowCountFingerprint(system);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = await rowCountFingerprint(system);
    if (JSON.stringify(next) === JSON.stringify(prev)) return next;
    prev = next;
  }
  return prev;
}
