import { randomBytes, randomUUID } from "node:crypto";
import {
  SCHEMA as BANK_SCHEMA,
  type BankDb,
  type BankRpcServer,
  migrations as bankMigrations,
  createAdminService,
  createBankService,
  startBankRpc,
} from "@arte/bank";
import {
  AUCTION_STREAM,
  type auction,
  BANK_STREAM,
  bank as bankContracts,
  type EventSchema,
  PAYMENT_STREAM,
  type RpcSpec,
} from "@arte/contracts";
import { callRpc, createOutboxRelay } from "@arte/platform";
import {
  createTestBus,
  createTestDatabase,
  createTestKeys,
  eventually,
  readStream,
  testLogger,
} from "@arte/testing";
import { sql } from "kysely";
import type { z } from "zod";
import { buildApp } from "../src/app.js";
import { type PaymentDb, SCHEMA } from "../src/db/schema.js";
import { migrations } from "../src/index.js";
import { type PaymentJobsDeps, startPayment } from "../src/jobs.js";
import { createBankClient } from "../src/lib/bank.js";

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const LEASE_MS = 1500;
export const BANK_TIMEOUT_MS = 600;

/**
 * The payment service on its own database and NATS prefix, with the real bank in process (its own
 * database; callers payment, auction, users) and the bank's outbox relay (hold events on BANK).
 */
export async function startHarness(opts: { run?: PaymentJobsDeps["run"]; maxAttempts?: number } = {}) {
  const [pdb, bdb, tb, keys] = await Promise.all([
    createTestDatabase<PaymentDb>({ schema: SCHEMA, migrations }),
    createTestDatabase<BankDb>({ schema: BANK_SCHEMA, migrations: bankMigrations }),
    createTestBus([AUCTION_STREAM, BANK_STREAM, PAYMENT_STREAM]),
    createTestKeys(),
  ]);
  const log = testLogger("payment");
  const secrets = {
    payment: randomBytes(32).toString("hex"),
    auction: randomBytes(32).toString("hex"),
    users: randomBytes(32).toString("hex"),
  };
  const startBank = () =>
    startBankRpc({
      db: bdb.db,
      bus: tb.bus,
      log: testLogger("bank"),
      callers: secrets,
      pinParams: { N: 2 ** 10, r: 8, p: 1 },
    });
  let bankRpc: BankRpcServer | null = startBank();
  const bankRelay = createOutboxRelay({
    db: bdb.db,
    bus: tb.bus,
    log,
    listenUrl: bdb.url,
    schema: BANK_SCHEMA,
    pollMs: 200,
  });
  await bankRelay.start();
  const bank = createBankClient({
    bus: tb.bus,
    credentials: { service: "payment", secret: secrets.payment },
    timeoutMs: BANK_TIMEOUT_MS,
  });
  const tuning = { leaseMs: LEASE_MS, maxAttempts: opts.maxAttempts ?? 3, retryBaseMs: 100 };
  const jobDeps = {
    db: pdb.db,
    bus: tb.bus,
    bank,
    log,
    databaseUrl: pdb.url,
    instance: `i-${randomBytes(3).toString("hex")}`,
    tickMs: 100,
    ...tuning,
    run: opts.run,
    consumer: { backoffMs: () => 200, pullExpiresMs: 1000 },
  } satisfies PaymentJobsDeps;
  let jobs = await startPayment(jobDeps);
  const app = await buildApp({
    db: pdb.db,
    bank,
    log,
    verifier: keys.verifier,
    ...tuning,
    onLotSettled: () => jobs.kickSweeper(),
  });

  const as =
    (service: "auction" | "users") =>
    <S extends RpcSpec>(spec: S, req: z.input<S["request"]>) =>
      callRpc(tb.bus, spec, req, {
        credentials: { service, secret: secrets[service] },
        timeoutMs: 5000,
      }) as Promise<z.output<S["response"]>>;
  const asUsers = as("users");
  const asAuction = as("auction");
  const token = (sub: string, role: "USER" | "ADMIN" = "USER") =>
    keys.signer.sign({ sub, role, sid: randomUUID(), ev: true });
  const adminId = randomUUID();
  const adminToken = await token(adminId, "ADMIN");

  const h = {
    app,
    db: pdb.db,
    bankDb: bdb.db,
    bus: tb.bus,
    bank,
    log,
    tuning,
    jobDeps,
    adminId,
    adminToken,
    token,
    get jobs() {
      return jobs;
    },
    async restartJobs(over: Partial<PaymentJobsDeps> = {}) {
      await jobs.stop();
      jobs = await startPayment({ ...jobDeps, ...over });
      return jobs;
    },
    /** The bank stops answering (requests time out: SERVICE_UNAVAILABLE). */
    async stopBank() {
      await bankRpc?.stop();
      bankRpc = null;
    },
    startBank() {
      bankRpc ??= startBank();
    },
    async account(balance = 10_000_000) {
      const userId = randomUUID();
      const a = await asUsers(bankContracts.OpenAccount, {
        holderName: `Holder ${userId.slice(0, 6)}`,
        pin: "2580",
        openingBalance: balance,
        key: `open-${userId}`,
      });
      return { userId, accountId: a.accountId };
    },
    /** A hold as the auction places it: reference `lot:<lotId>:bidder:<userId>:<n>`. */
    async hold(accountId: string, lotId: string, userId: string, amount: number, n = 1) {
      return asAuction(bankContracts.PlaceHold, {
        accountId,
        amount,
        reference: `lot:${lotId}:bidder:${userId}:${n}`,
        key: `auction.hold.${randomUUID()}`,
      });
    },
    async balance(accountId: string) {
      return asUsers(bankContracts.GetBalance, { accountId });
    },
    async bankHold(holdId: string) {
      return bdb.db.selectFrom("hold").selectAll().where("id", "=", holdId).executeTakeFirstOrThrow();
    },
    /** Capture transfers at the bank for a hold (there must never be more than one). */
    async captures(holdId: string) {
      return bdb.db
        .selectFrom("transfer")
        .selectAll()
        .where("hold_id", "=", holdId)
        .where("kind", "=", "CAPTURE")
        .execute();
    },
    async ledgerCheck() {
      return createAdminService({ db: bdb.db, bank: createBankService({ db: bdb.db }) }).ledgerCheck();
    },
    /** Waits until the payment read model knows these holds (the bank's events arrived). */
    async knowsHolds(holdIds: string[]) {
      await eventually(async () => {
        const rows = await pdb.db
          .selectFrom("lot_hold")
          .select("hold_id")
          .where("hold_id", "in", holdIds)
          .execute();
        return rows.length === holdIds.length;
      }, 10_000);
    },
    /** A sale as the auction announces it. */
    soldEvent(o: {
      lotId?: string;
      winnerUserId: string;
      sellerAccountId: string;
      bankHoldId?: string;
      hammer?: number;
      premiumBps?: number;
      id?: string;
    }): z.input<typeof auction.LotSoldV1> {
      const hammer = o.hammer ?? 1_000_000;
      const bps = o.premiumBps ?? 1500;
      const now = new Date();
      return {
        id: o.id ?? randomUUID(),
        type: "auction.lot.sold.v1",
        occurredAt: now.toISOString(),
        data: {
          lotId: o.lotId ?? randomUUID(),
          artworkId: randomUUID(),
          status: "SOLD",
          currentPrice: hammer,
          bidCount: 3,
          startsAt: new Date(now.getTime() - 3600_000).toISOString(),
          endsAt: now.toISOString(),
          version: 9,
          winnerUserId: o.winnerUserId,
          hammerPrice: hammer,
          premium: Math.ceil((hammer * bps) / 10_000),
          premiumBps: bps,
          sellerAccountId: o.sellerAccountId,
          sellerUserId: null,
          ...(o.bankHoldId ? { bankHoldId: o.bankHoldId } : {}),
        },
      };
    },
    endedEvent(type: "auction.lot.unsold.v1" | "auction.lot.cancelled.v1", lotId: string) {
      const now = new Date();
      return {
        id: randomUUID(),
        type,
        occurredAt: now.toISOString(),
        data: {
          lotId,
          artworkId: randomUUID(),
          status: type === "auction.lot.unsold.v1" ? "UNSOLD" : "CANCELLED",
          currentPrice: 100_000,
          bidCount: 0,
          startsAt: new Date(now.getTime() - 3600_000).toISOString(),
          endsAt: now.toISOString(),
          version: 5,
        },
      };
    },
    bidEvent(lotId: string, userId: string, amount: number) {
      const now = new Date();
      return {
        id: randomUUID(),
        type: "auction.bid.placed.v1",
        occurredAt: now.toISOString(),
        data: {
          lotId,
          artworkId: randomUUID(),
          status: "OPEN",
          currentPrice: amount,
          bidCount: 1,
          startsAt: new Date(now.getTime() - 3600_000).toISOString(),
          endsAt: new Date(now.getTime() + 3600_000).toISOString(),
          version: 3,
          bidderUserId: userId,
          amount,
          placedAt: now.toISOString(),
        },
      };
    },
    /** Publishes an event as its producer's relay would (no msg id: a redelivery is not deduped). */
    async publish(event: { type: string; id: string }, msgID?: string) {
      await tb.bus.js.publish(tb.bus.subject(event.type), JSON.stringify(event), msgID ? { msgID } : {});
    },
    async invoiceOfLot(lotId: string) {
      return pdb.db.selectFrom("invoice").selectAll().where("lot_id", "=", lotId).executeTakeFirst();
    },
    async invoice(id: string) {
      return pdb.db.selectFrom("invoice").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    },
    /** Payment events in the PAYMENT stream of one type (published by the relay). */
    async published<S extends EventSchema>(schema: S, where: (e: z.infer<S>) => boolean = () => true) {
      const msgs = await readStream(
        tb.bus,
        tb.bus.stream(PAYMENT_STREAM.name),
        tb.bus.subject(schema.shape.type.value),
      );
      return msgs.map((m) => m.json<z.infer<S>>()).filter(where);
    },
    async outboxDrained() {
      await eventually(async () => {
        const r = await sql<{
          n: number;
        }>`select count(*)::int as n from outbox where published_at is null`.execute(pdb.db);
        return r.rows[0]?.n === 0;
      }, 10_000);
    },
    async close() {
      await jobs.stop();
      await app.close();
      await bankRpc?.stop();
      await bankRelay.stop();
      await tb.destroy();
      await Promise.all([pdb.drop(), bdb.drop()]);
    },
  };
  return h;
}

/** A funded buyer with a hold on a lot like the auction's, a seller account, and the sold event. */
export async function sale(
  h: Harness,
  o: { hammer?: number; holdAmount?: number; premiumBps?: number; withHoldId?: boolean } = {},
) {
  const hammer = o.hammer ?? 1_000_000;
  const bps = o.premiumBps ?? 1500;
  const total = hammer + Math.ceil((hammer * bps) / 10_000);
  const lotId = randomUUID();
  const buyer = await h.account(10_000_000);
  const seller = await h.account(0);
  const hold = await h.hold(buyer.accountId, lotId, buyer.userId, o.holdAmount ?? Math.ceil(total * 1.1));
  const event = h.soldEvent({
    lotId,
    winnerUserId: buyer.userId,
    sellerAccountId: seller.accountId,
    hammer,
    premiumBps: bps,
    ...(o.withHoldId === false ? {} : { bankHoldId: hold.holdId }),
  });
  return { lotId, buyer, seller, hold, event, total, hammer };
}
