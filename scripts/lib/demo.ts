/**
 * Demo data for `npm start`, once the services are healthy (DESIGN.md "Running it"): demo bidders who
 * can sign in at once, each with a funded, linked bank account; lots on the demo artworks that are live,
 * upcoming and ended — the ended ones with real bids (through the gateway, with real bank holds), so
 * some end SOLD (and are invoiced, paid and receipted) and some UNSOLD. Idempotent: a restart on the same
 * database creates nothing new. `DEMO_DATA=false` skips all of it.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { connectBus, createDb, createLogger } from "@arte/platform";
import { sql } from "kysely";
import type { Say } from "./infra.js";
import { roleOf } from "./services.js";
import { dbUrl, ROOT } from "./setup.js";

type UsersDemo = typeof import("../../services/users/src/modules/admin/demo.js");
type UsersBank = typeof import("../../services/users/src/modules/bank-account/bank.client.js");
type AuctionDemo = typeof import("../../services/auction/src/modules/lots/demo-seed.js");
type UsersDb = import("../../services/users/src/db/schema.js").UsersDb;
type AuctionDb = import("../../services/auction/src/db/schema.js").AuctionDb;

const load = <T>(path: string) => import(pathToFileURL(resolve(ROOT, path)).href) as Promise<T>;

export const DEMO_BIDDERS = [
  { email: "bidder1@arte-moderni.local", username: "김하늘", locale: "ko" },
  { email: "bidder2@arte-moderni.local", username: "Alex Morgan", locale: "en" },
  { email: "bidder3@arte-moderni.local", username: "이서준", locale: "ko" },
] as const;
export const DEFAULT_DEMO_PASSWORD = "demo-bidder-2580";
const DEMO_PIN = "2580";
const DEMO_BALANCE = 50_000_000;
/** Artworks the lot plan uses at most (6 live, 6 upcoming, 4 ended). */
const DEMO_ARTWORKS = 16;

export type DemoOptions = {
  adminUrl: string;
  database: string;
  natsUrl: string;
  natsPrefix: string;
  /** The gateway the demo bids go through. */
  gatewayUrl: string;
  /** The users service's secret: the bank answers only signed requests (ADR 0006). */
  usersSecret: string | undefined;
  env: NodeJS.ProcessEnv;
  say: Say;
};

/** Seeds the demo; returns the lines for the launcher's summary (none when switched off). */
export async function seedDemo(o: DemoOptions): Promise<string[]> {
  if (o.env.DEMO_DATA === "false") {
    o.say("demo       DEMO_DATA=false: no demo bidders or lots");
    return [];
  }
  const password = o.env.DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD;
  const log = createLogger({ service: "demo", instance: "launcher", level: "warn" });
  const usersDb = createDb<UsersDb>({
    url: dbUrl(o.adminUrl, o.database, roleOf("users")),
    schema: "users",
    max: 1,
  });
  const catalogDb = createDb<unknown>({
    url: dbUrl(o.adminUrl, o.database, roleOf("catalog")),
    schema: "catalog",
    max: 1,
  });
  const auctionDb = createDb<AuctionDb>({
    url: dbUrl(o.adminUrl, o.database, roleOf("auction")),
    schema: "auction",
    max: 1,
  });
  const bus = await connectBus({ url: o.natsUrl, name: "arte-demo", prefix: o.natsPrefix });
  try {
    // 1. bidders, announced through the users outbox (the other services learn them)
    const usersDemo = await load<UsersDemo>("services/users/src/modules/admin/demo.ts");
    const { users } = await usersDemo.ensureDemoUsers(usersDb, {
      users: DEMO_BIDDERS.map((b) => ({ ...b, password })),
    });
    const createdUsers = users.filter((u) => u.created).length;

    // 2. a funded demo account linked to each, through the users service's bank-account service
    let accountsLine = "demo       bank accounts skipped: no SERVICE_SECRET for the users service";
    if (o.usersSecret) {
      const { createBankClient } = await load<UsersBank>(
        "services/users/src/modules/bank-account/bank.client.ts",
      );
      const bank = createBankClient({
        bus,
        credentials: { service: "users", secret: o.usersSecret },
        log,
        timeoutMs: 5000,
      });
      const { accounts } = await usersDemo.ensureDemoBankAccounts(
        { db: usersDb, bank },
        { userIds: users.map((u) => u.userId), pin: DEMO_PIN, openingBalance: DEMO_BALANCE },
      );
      accountsLine = `demo       ${accounts.filter((a) => a.opened).length} bank account(s) opened, ${accounts.length} linked`;
    }
    o.say(`demo       ${createdUsers} bidder(s) created, ${users.length - createdUsers} already there`);
    o.say(accountsLine);

    // 3. lots on the demo artworks (the catalog's seed), once
    const artworks = await sql<{
      id: string;
    }>`select id from artwork order by seq limit ${DEMO_ARTWORKS}`.execute(catalogDb);
    const auctionDemo = await load<AuctionDemo>("services/auction/src/modules/lots/demo-seed.ts");
    const seeded = await auctionDemo.seedDemoLots(auctionDb, {
      artworkIds: artworks.rows.map((r) => r.id),
      closingSeconds: Number(o.env.DEMO_CLOSING_SECONDS ?? 60),
    });
    if (!seeded.created) {
      o.say("demo       the demo artworks already have lots");
    } else {
      const count = (role: string) => seeded.lots.filter((l) => l.role.startsWith(role)).length;
      o.say(
        `demo       lots: ${count("live")} live, ${count("upcoming")} upcoming, ${count("ended") + count("closing")} ended or ending within ${o.env.DEMO_CLOSING_SECONDS ?? 60} s`,
      );
      if (o.usersSecret) {
        const placed = await placeDemoBids(o, auctionDb, seeded.lots, users, password);
        o.say(`demo       ${placed} demo bid(s) placed through the gateway`);
      }
    }
    return [
      `Demo bidders     ${DEMO_BIDDERS.map((b) => b.email).join(", ")}`,
      `                 password ${o.env.DEMO_PASSWORD ? "(from DEMO_PASSWORD)" : password}   (funded, linked bank accounts; PIN ${DEMO_PIN})`,
    ];
  } finally {
    await bus.close();
    await Promise.all([usersDb.destroy(), catalogDb.destroy(), auctionDb.destroy()]);
  }
}

type SeededLot = Awaited<ReturnType<AuctionDemo["seedDemoLots"]>>["lots"][number];

/**
 * Real bids through the gateway with the bidders' tokens: two bidders on each lot that is to sell
 * (the second one wins), bids below the reserve on the one that is not, and a first bid on two live
 * lots. Waits until the auction service knows the bidders' bank accounts (events) and the lots open.
 * A bid that fails is reported and skipped: the demo never stops the launcher.
 */
async function placeDemoBids(
  o: DemoOptions,
  auctionDb: ReturnType<typeof createDb<AuctionDb>>,
  lots: SeededLot[],
  users: { userId: string; email: string }[],
  password: string,
): Promise<number> {
  const tokens: string[] = [];
  for (const u of users) {
    const r = await gateway(o.gatewayUrl, "POST", "/api/users/v1/auth/login", {
      body: { email: u.email, password },
    });
    if (r.status !== 200) {
      o.say(`demo       ${u.email} could not sign in (${r.status}); no demo bids`);
      return 0;
    }
    tokens.push((r.json as { accessToken: string }).accessToken);
  }
  // The auction service learns the accounts from user.bank_account.linked.v1.
  const ids = users.map((u) => u.userId);
  const known = await waitFor(async () => {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from bidder where user_id in (${sql.join(ids)}) and bank_account_id is not null`.execute(
      auctionDb,
    );
    return r.rows[0]!.n === ids.length;
  }, 60_000);
  if (!known) {
    o.say("demo       the auction service did not learn the bidders' bank accounts in time; no demo bids");
    return 0;
  }
  const opensAt = Math.max(
    ...lots.filter((l) => l.role.startsWith("closing")).map((l) => l.startsAt.getTime()),
  );
  await sleep(Math.max(0, opensAt - Date.now() + 500));

  let placed = 0;
  const bid = async (lot: SeededLot, bidder: number, amount: number, n: number) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await gateway(o.gatewayUrl, "POST", `/api/auction/v1/lots/${lot.lotId}/bids`, {
        token: tokens[bidder],
        key: `demo-bid-${lot.lotId}-${n}-${attempt}`,
        body: { amount },
      });
      if (r.status === 201) {
        placed++;
        return r.json as { nextMinimum: number };
      }
      const code = (r.json as { code?: string } | null)?.code;
      // Not open yet (the scheduler's tick) or the bank was slow: try again with a new key.
      if (code !== "LOT_NOT_OPEN" && code !== "BANK_UNAVAILABLE" && r.status < 500) {
        o.say(`demo       a demo bid on lot ${lot.lotId} was refused: ${r.status} ${code ?? ""}`);
        return null;
      }
      await sleep(1000);
    }
    o.say(`demo       a demo bid on lot ${lot.lotId} did not go through`);
    return null;
  };
  const pairs: [number, number][] = [
    [0, 1],
    [1, 2],
    [2, 0],
  ];
  const closing = lots.filter((l) => l.role.startsWith("closing"));
  for (const [i, lot] of closing.entries()) {
    const [a, b] = pairs[i % pairs.length]!;
    const first = await bid(lot, a, lot.startPrice, 1);
    if (first) await bid(lot, b, first.nextMinimum, 2);
  }
  const live = lots.filter((l) => l.role === "live").slice(0, 2);
  for (const [i, lot] of live.entries()) await bid(lot, (i + 2) % tokens.length, lot.startPrice, 1);
  return placed;
}

async function gateway(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string | undefined; key?: string } = {},
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.key) headers["idempotency-key"] = opts.key;
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  } catch (err) {
    return { status: 599, json: { code: "NETWORK", message: String(err) } };
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(300);
  }
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
