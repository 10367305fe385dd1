import { randomBytes, randomUUID } from "node:crypto";
import { SCHEMA as BANK_SCHEMA, type BankDb, migrations as bankMigrations, startBankRpc } from "@arte/bank";
import {
  AUCTION_STREAM,
  BANK_STREAM,
  bank as bankContracts,
  catalog as catalogContracts,
  type RpcSpec,
  USER_STREAM,
} from "@arte/contracts";
import { callRpc, serveRpc } from "@arte/platform";
import { createTestBus, createTestDatabase, createTestKeys, eventually, testLogger } from "@arte/testing";
import { sql } from "kysely";
import type { z } from "zod";
import { buildApp } from "../src/app.js";
import type { AuctionDb } from "../src/db/schema.js";
import { migrations, SCHEMA } from "../src/index.js";
import { type JobsDeps, startJobs } from "../src/jobs.js";
import { createBankClient } from "../src/lib/bank.js";
import { createArtworkDirectory } from "../src/lib/catalog.js";
import { applyBankLink, applySuspension } from "../src/modules/bidders/bidders.repository.js";

export type Harness = Awaited<ReturnType<typeof startAuction>>;

/**
 * The auction service on its own database and NATS prefix, with the real bank in process (its own
 * database), token keys, and helpers. `run` picks which background jobs run (all by default).
 */
export async function startAuction(opts: { run?: JobsDeps["run"]; schedulerTickMs?: number } = {}) {
  const [adb, bdb, tb, keys] = await Promise.all([
    createTestDatabase<AuctionDb>({ schema: SCHEMA, migrations }),
    createTestDatabase<BankDb>({ schema: BANK_SCHEMA, migrations: bankMigrations }),
    createTestBus([USER_STREAM, AUCTION_STREAM, BANK_STREAM]),
    createTestKeys(),
  ]);
  const log = testLogger("auction");
  const secrets = { auction: randomBytes(32).toString("hex"), users: randomBytes(32).toString("hex") };
  const bankRpc = startBankRpc({
    db: bdb.db,
    bus: tb.bus,
    log: testLogger("bank"),
    callers: secrets,
    pinParams: { N: 2 ** 10, r: 8, p: 1 },
  });
  const bank = createBankClient({
    bus: tb.bus,
    credentials: { service: "auction", secret: secrets.auction },
    // generous: the test machine is shared and the concurrency test queues 300 holds at once
    timeoutMs: 15_000,
  });
  // The catalogue's side of `catalog.artwork_status`, over the same NATS request path as in production:
  // every artwork exists unless a test says it is missing or archived (the catalog service's own
  // handler is tested in the catalog service, and the whole path in test/auction-live).
  const artworkFacts = { missing: new Set<string>(), archived: new Set<string>(), down: false };
  const catalogRpc = serveRpc(
    tb.bus,
    catalogContracts.ArtworkStatusRpc,
    { queue: "catalog", log: testLogger("catalog") },
    async (req) => {
      if (artworkFacts.down) await new Promise((r) => setTimeout(r, 10_000));
      return {
        exists: !artworkFacts.missing.has(req.artworkId),
        archived: artworkFacts.archived.has(req.artworkId),
      };
    },
  );
  const app = await buildApp({
    db: adb.db,
    bank,
    artworks: createArtworkDirectory({ bus: tb.bus, timeoutMs: 1000 }),
    log,
    verifier: keys.verifier,
  });
  const jobDeps = {
    db: adb.db,
    bus: tb.bus,
    bank,
    log,
    databaseUrl: adb.url,
    schedulerTickMs: opts.schedulerTickMs ?? 50,
    schedulerFailureBackoffMs: 500,
    run: opts.run,
    consumer: { backoffMs: () => 200, pullExpiresMs: 1000 },
  } satisfies JobsDeps;
  let jobs = await startJobs(jobDeps);

  const asUsers = <S extends RpcSpec>(spec: S, req: z.input<S["request"]>) =>
    callRpc(tb.bus, spec, req, {
      credentials: { service: "users", secret: secrets.users },
      timeoutMs: 5000,
    }) as Promise<z.output<S["response"]>>;

  const token = (sub: string, o: { ev?: boolean; role?: "USER" | "ADMIN" } = {}) =>
    keys.signer.sign({ sub, role: o.role ?? "USER", sid: randomUUID(), ev: o.ev ?? true });
  const adminToken = await token(randomUUID(), { role: "ADMIN" });

  const h = {
    app,
    /** What the catalogue answers about artworks (see above). */
    artworkFacts,
    db: adb.db,
    bankDb: bdb.db,
    bus: tb.bus,
    bank,
    keys,
    log,
    get jobs() {
      return jobs;
    },
    token,
    adminToken,
    /** Stops every job and starts them again (a restart of the background side). */
    async restartJobs(run?: JobsDeps["run"]) {
      await jobs.stop();
      jobs = await startJobs({ ...jobDeps, run: run ?? opts.run });
      return jobs;
    },
    async stopJobs() {
      await jobs.stop();
    },
    /** A bidder: a funded bank account, linked in the read model (as the user stream would). */
    async bidder(o: { balance?: number; link?: boolean; suspended?: boolean; ev?: boolean } = {}) {
      const userId = randomUUID();
      const acct = await asUsers(bankContracts.OpenAccount, {
        holderName: `Bidder ${userId.slice(0, 6)}`,
        pin: "2580",
        openingBalance: o.balance ?? 1_000_000_000,
        key: `open-${userId}`,
      });
      const now = new Date();
      if (o.link !== false) await applyBankLink(adb.db, userId, acct.accountId, now);
      if (o.suspended) await applySuspension(adb.db, userId, true, now);
      return { userId, accountId: acct.accountId, token: await token(userId, { ev: o.ev ?? true }) };
    },
    async balance(accountId: string) {
      return asUsers(bankContracts.GetBalance, { accountId });
    },
    async bankHolds(accountId: string) {
      return (await asUsers(bankContracts.ListHolds, { accountId, limit: 500 })).items;
    },
    /** Schedules a lot through the admin API; `startsInMs` from now (the lot opens on its own). */
    async createLot(
      o: { startsInMs?: number; durationMs?: number; body?: Record<string, unknown> } = {},
    ): Promise<{ lotId: string; [k: string]: unknown }> {
      // A loaded test machine may take longer than the lead to answer: a start that fell into the past
      // is retried with a longer lead (the service refuses a start in the past, by design).
      for (let attempt = 0; ; attempt++) {
        const start = Date.now() + (o.startsInMs ?? 30) + attempt * 500;
        const res = await app.inject({
          method: "POST",
          url: "/v1/admin/lots",
          headers: { authorization: `Bearer ${adminToken}` },
          payload: {
            artworkId: randomUUID(),
            startPrice: 100_000,
            startsAt: new Date(start).toISOString(),
            endsAt: new Date(start + (o.durationMs ?? 600_000)).toISOString(),
            ...o.body,
          },
        });
        if (res.statusCode === 201) return res.json();
        if (attempt < 3 && res.body.includes("The start is in the past")) continue;
        throw new Error(`createLot: ${res.statusCode} ${res.body}`);
      }
    },
    /** A lot that is open now. */
    async openLot(o: { durationMs?: number; body?: Record<string, unknown> } = {}) {
      const lot = await h.createLot({ startsInMs: 150, ...o });
      const wait = Date.parse(lot.startsAt as string) - Date.now() + 5;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return lot;
    },
    bid(
      lotId: string,
      tok: string,
      body: { amount: number; maxAmount?: number },
      key: string = `k-${randomUUID()}`,
    ) {
      return app.inject({
        method: "POST",
        url: `/v1/lots/${lotId}/bids`,
        headers: { authorization: `Bearer ${tok}`, "idempotency-key": key },
        payload: body,
      });
    },
    async lotRow(lotId: string) {
      return adb.db.selectFrom("lot").selectAll().where("id", "=", lotId).executeTakeFirstOrThrow();
    },
    async holdRows(lotId: string) {
      return adb.db.selectFrom("bid_hold").selectAll().where("lot_id", "=", lotId).orderBy("seq").execute();
    },
    /** Waits until no hold is being released and the outbox is drained. */
    async drained(timeoutMs = 15_000) {
      await eventually(async () => {
        const r = await sql<{ releasing: number; outbox: number }>`
          select (select count(*)::int from bid_hold where status = 'RELEASING') as releasing,
                 (select count(*)::int from outbox where published_at is null) as outbox`.execute(adb.db);
        const row = r.rows[0]!;
        return row.releasing === 0 && row.outbox === 0;
      }, timeoutMs);
    },
    async close() {
      await jobs.stop();
      await app.close();
      await bankRpc.stop();
      catalogRpc.unsubscribe();
      await tb.destroy();
      await Promise.all([adb.drop(), bdb.drop()]);
    },
  };
  return h;
}
