/**
 * `npm start`'s demo data, on the launched system (own database, NATS prefix, Redis prefix, ports and
 * data directory; a real SMTP server here): demo bidders who can sign in with funded, linked bank
 * accounts; live, upcoming and ended lots — the ended ones SOLD (paid and receipted) and UNSOLD after
 * real bids — and a second launch on the same database that duplicates nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { eventually, startSmtpServer, type TestSmtp } from "@arte/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, DEMO_BIDDERS } from "../scripts/lib/demo.js";

const tag = randomBytes(3).toString("hex");
const DATABASE = `arte_demo_${tag}`;
const OFFSET = 15_000 + Math.floor(Math.random() * 400) * 10;
const GW = `http://127.0.0.1:${8080 + OFFSET}`;
const CLOSING_SECONDS = 20;

let smtp: TestSmtp;
let launcher: ChildProcess | undefined;
let output: string[] = [];

function launch(): Promise<void> {
  output = [];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      DATABASE_NAME: DATABASE,
      NATS_PREFIX: `d${tag}`,
      REDIS_PREFIX: `demo:${tag}:`,
      PORT_OFFSET: String(OFFSET),
      GATEWAY_HOST: "127.0.0.1",
      SMTP_URL: smtp.url,
      ADMIN_EMAIL: `admin-${tag}@arte-moderni.test`,
      ADMIN_PASSWORD: "Admin-password-1234",
      RATE_LIMIT_EMAIL: "100",
      RATE_LIMIT_AUTH: "200",
      DEMO_CLOSING_SECONDS: String(CLOSING_SECONDS),
      LOG_LEVEL: "warn",
      DATA_DIR: `.data/demo-${tag}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  launcher = child;
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`launcher not ready:\n${output.slice(-40).join("\n")}`)),
      240_000,
    );
    for (const s of [child.stdout!, child.stderr!]) {
      createInterface({ input: s }).on("line", (l) => {
        output.push(l);
        if (l.includes("Press Ctrl-C")) {
          clearTimeout(t);
          resolve();
        }
      });
    }
    child.once("exit", (code) =>
      reject(new Error(`launcher exited ${code}:\n${output.slice(-40).join("\n")}`)),
    );
  });
}

async function stop() {
  const child = launcher;
  launcher = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  child.kill("SIGINT");
  expect(await exited).toBe(0);
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  await launch();
}, 260_000);

afterAll(async () => {
  await stop();
  await smtp?.close();
  const c = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await c.connect();
  await c.query(`drop database if exists "${DATABASE}" with (force)`);
  await c.end();
}, 60_000);

async function call(method: string, path: string, opts: { body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${GW}${path}`, {
    method,
    headers,
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${DATABASE}` });
  await c.connect();
  try {
    return (await c.query(query)).rows as T[];
  } finally {
    await c.end();
  }
}

const bidderEmails = DEMO_BIDDERS.map((b) => b.email);

/** Everything a second run must not add to. */
async function counts() {
  const [row] = await sql<Record<string, number>>(`
    select
      (select count(*)::int from users.app_user) as users,
      (select count(*)::int from users.bank_link) as links,
      (select count(*)::int from users.outbox where subject = 'user.account.registered.v1') as registered,
      (select count(*)::int from auction.lot) as lots,
      (select count(*)::int from auction.bid) as bids,
      (select count(*)::int from catalog.artwork) as artworks,
      (select count(*)::int from payment.invoice) as invoices`);
  return row!;
}

async function signIn(email: string) {
  const login = await call("POST", "/api/users/v1/auth/login", {
    body: { email, password: DEFAULT_DEMO_PASSWORD },
  });
  expect(login.status).toBe(200);
  return login.json.accessToken as string;
}

describe("npm start's demo data", () => {
  it("prints the demo bidders' logins", () => {
    const text = output.join("\n");
    expect(text).toContain("Demo bidders");
    for (const e of bidderEmails) expect(text).toContain(e);
    expect(text).toContain(DEFAULT_DEMO_PASSWORD);
    expect(text).not.toContain("DOWN");
  });

  it("has live, upcoming and ended lots with the right statuses", async () => {
    const live = await eventually(async () => {
      const rows = await sql(
        "select id from auction.lot where status = 'OPEN' and ends_at between now() + interval '29 minutes' and now() + interval '121 minutes'",
      );
      return rows.length === 6 ? rows : null;
    }, 30_000);
    expect(live).toHaveLength(6);
    const upcoming = await sql(
      "select id from auction.lot where status = 'SCHEDULED' and starts_at between now() + interval '59 minutes' and now() + interval '24 hours'",
    );
    expect(upcoming).toHaveLength(6);
    // The ended ones: one whose window passed before the seed, three that ran for CLOSING_SECONDS with bids.
    const ended = await eventually(
      async () => {
        const rows = await sql<{ status: string; bids: number }>(
          "select status, bid_count as bids from auction.lot where status in ('SOLD', 'UNSOLD', 'CLOSED', 'OPEN') and ends_at < now() + interval '10 minutes' order by status",
        );
        return rows.length === 4 && rows.every((r) => r.status === "SOLD" || r.status === "UNSOLD")
          ? rows
          : null;
      },
      (CLOSING_SECONDS + 60) * 1000,
      500,
    );
    expect(ended.filter((r) => r.status === "SOLD")).toHaveLength(2);
    expect(ended.filter((r) => r.status === "UNSOLD").map((r) => r.bids)).toEqual(
      expect.arrayContaining([0, 2]),
    );
    // The public API shows them too.
    const open = await call("GET", "/api/auction/v1/lots?status=OPEN&limit=100");
    expect(open.status).toBe(200);
    expect(open.json.items.length).toBeGreaterThanOrEqual(6);
    const sold = await call("GET", "/api/auction/v1/lots?status=SOLD&limit=100");
    expect(sold.json.items).toHaveLength(2);
  }, 150_000);

  it("lets every demo bidder sign in, with a funded, linked bank account", async () => {
    for (const email of bidderEmails) {
      const token = await signIn(email);
      const account = await call("GET", "/api/users/v1/me/bank-account", { token });
      expect(account.status).toBe(200);
      expect(account.json.posted).toBeGreaterThan(1_000_000);
      expect(account.json.available).toBeGreaterThan(0);
    }
  });

  it("invoices the sold lots and emails their winners a receipt", async () => {
    await eventually(
      async () => {
        const paid = await sql("select id from payment.invoice where status = 'PAID'");
        return paid.length === 2 ? paid : null;
      },
      60_000,
      500,
    );
    const receipts = await eventually(
      async () => {
        const r = smtp.mails.filter((m) => String(m.parsed.messageId ?? "").includes(".receipt@"));
        return r.length === 2 ? r : null;
      },
      30_000,
      200,
    );
    for (const m of receipts) {
      expect(bidderEmails.some((e) => m.to.includes(e))).toBe(true);
      expect(m.text).toMatch(/AM-\d{4}-\d+/);
      expect(m.text).toContain("/my/purchases");
    }
  }, 120_000);

  it("duplicates nothing when the launcher starts again on the same database", async () => {
    const before = await counts();
    expect(before).toMatchObject({ links: 3, registered: 3, lots: 16 });
    await stop();
    await launch();
    expect(output.join("\n")).toContain("the demo artworks already have lots");
    expect(await counts()).toEqual(before);
    const token = await signIn(bidderEmails[0]!);
    expect((await call("GET", "/api/users/v1/me/bank-account", { token })).status).toBe(200);
  }, 300_000);
});
