/**
 * `npm start`'s demo data, on the launched system (own database, NATS prefix, Redis prefix, ports and
 * data directory; a real SMTP server here): demo bidders who can sign in with funded, linked bank
 * accounts; live, upcoming and ended lots — the ended ones SOLD (paid and receipted) and UNSOLD after
 * real bids — and a second launch on the same database that duplicates nothing.
 */
import { eventually } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, DEMO_BIDDERS } from "../scripts/lib/demo.js";
import { type System, startSystem } from "./lib/system.js";

const CLOSING_SECONDS = 20;

let sys: System;

beforeAll(async () => {
  sys = await startSystem(
    "demo",
    {
      DEMO_DATA: "true",
      DEMO_CLOSING_SECONDS: String(CLOSING_SECONDS),
      RATE_LIMIT_EMAIL: "100",
      RATE_LIMIT_AUTH: "200",
    },
    { readyTimeoutMs: 240_000 },
  );
}, 260_000);

afterAll(async () => {
  // Ctrl-C stops every process cleanly.
  if (sys) expect(await sys.stop()).toBe(0);
}, 60_000);

/** A call through the gateway; its body parsed as JSON. */
async function call(method: string, path: string, opts: { body?: unknown; token?: string } = {}) {
  const res = await sys.request(method, path, { json: opts.body, token: opts.token });
  return { status: res.status, json: res.text ? JSON.parse(res.text) : null };
}

const sql = <T = Record<string, unknown>>(query: string) => sys.sql<T>(query);

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
    const text = sys.output.join("\n");
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
        const r = sys.smtp.mails.filter((m) => String(m.parsed.messageId ?? "").includes(".receipt@"));
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
    expect(await sys.restart()).toBe(0);
    expect(sys.output.join("\n")).toContain("the demo artworks already have lots");
    expect(await counts()).toEqual(before);
    const token = await signIn(bidderEmails[0]!);
    expect((await call("GET", "/api/users/v1/me/bank-account", { token })).status).toBe(200);
  }, 300_000);
});
