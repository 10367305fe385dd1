import { randomUUID } from "node:crypto";
import {
  AUCTION_STREAM,
  auction,
  CATALOG_STREAM,
  catalog,
  durableName,
  type EventSchema,
} from "@arte/contracts";
import { historyAuctionEvents, historyCatalogEvents } from "@arte/contracts/history.js";
import type { Bus } from "@arte/platform";
import {
  createTestBus,
  createTestDatabase,
  createTestKeys,
  type TestDatabase,
  testLogger,
} from "@arte/testing";
import { buildApp } from "../src/app.js";
import { SERVICE, startConsumers } from "../src/consumers/events.consumer.js";
import { migrations } from "../src/db/migrations/index.js";
import { type HistoryDb, SCHEMA } from "../src/db/schema.js";

export type Envelope = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };

/** An event envelope, checked against its contract (so the tests publish only what producers may send). */
export function event(schema: EventSchema, data: Record<string, unknown>, id = randomUUID()): Envelope {
  return schema.parse({ id, type: schema.shape.type.value, occurredAt: new Date().toISOString(), data });
}

/** A lot whose events a test writes by hand, the way the auction service would. */
export function lotScript(opts: { artworkId?: string; startPrice?: number } = {}) {
  const lotId = randomUUID();
  const artworkId = opts.artworkId ?? randomUUID();
  const t0 = Date.now();
  let price = opts.startPrice ?? 100_000;
  let bidCount = 0;
  let version = 0;
  let leaderAlias: string | null = null;
  const snap = (status: string) => ({
    lotId,
    artworkId,
    status,
    currentPrice: price,
    bidCount,
    startsAt: new Date(t0 - 60_000).toISOString(),
    endsAt: new Date(t0 + 3_600_000).toISOString(),
    version: ++version,
    leaderAlias,
  });
  return {
    lotId,
    artworkId,
    scheduled: () => event(auction.LotScheduledV1, snap("SCHEDULED")),
    opened: () => event(auction.LotOpenedV1, snap("OPEN")),
    closed: () => event(auction.LotClosedV1, snap("CLOSED")),
    sold: (winnerUserId: string) =>
      event(auction.LotSoldV1, { ...snap("SOLD"), winnerUserId, hammerPrice: price, premium: 0 }),
    unsold: () => event(auction.LotUnsoldV1, { ...snap("UNSOLD"), reason: "RESERVE_NOT_MET" }),
    bid(b: {
      userId: string;
      alias?: string;
      amount: number;
      leading?: boolean;
      kind?: "BID" | "RAISE" | "BUY_NOW";
      bidId?: string;
    }) {
      const leading = b.leading ?? true;
      bidCount++;
      if (leading) {
        price = b.amount;
        leaderAlias = b.alias ?? leaderAlias;
      } else price = b.amount + 10_000;
      return event(auction.BidPlacedV1, {
        ...snap("OPEN"),
        bidId: b.bidId ?? randomUUID(),
        bidderUserId: b.userId,
        ...(b.alias ? { bidderAlias: b.alias } : {}),
        amount: b.amount,
        kind: b.kind ?? "BID",
        leading,
        extended: false,
        placedAt: new Date().toISOString(),
      });
    },
    rejected: (userId: string, amount: number, code: string, at = new Date()) =>
      event(auction.BidRejectedV1, {
        lotId,
        bidderUserId: userId,
        amount,
        code,
        ...(code === "BID_TOO_LOW" ? { nextMinimum: price + 10_000 } : {}),
        at: at.toISOString(),
      }),
  };
}

/** An artwork event as the catalog writes it, optionally with a primary image (a field it may add). */
export function artworkEvent(
  schema: (typeof historyCatalogEvents)[number],
  artworkId: string,
  version: number,
  titleKo: string,
  extra: Record<string, unknown> = {},
): Envelope {
  const data = {
    artworkId,
    artistId: randomUUID(),
    artistNameKo: "김환기",
    artistNameEn: "Kim Whanki",
    titleKo,
    titleEn: null,
    estimateLow: 1_000_000,
    estimateHigh: 2_000_000,
    version,
  };
  // Parsed against the contract, then the extra fields added back (the contract may not list them yet).
  return { ...event(schema, data), data: { ...data, ...extra } };
}

export const image = (id = randomUUID()) => {
  const v = (w: number) => ({ url: `/media/artworks/${id}/${w}.webp`, width: w, height: w, bytes: 1000 });
  return {
    id,
    position: 0,
    isPrimary: true,
    width: 1200,
    height: 1200,
    placeholder: "data:image/webp;base64,AAAA",
    variants: { thumb: v(200), medium: v(800), large: v(1600) },
  };
};

export async function publish(bus: Bus, ev: { id: string; type: string }, msgID = ev.id) {
  await bus.js.publish(bus.subject(ev.type), JSON.stringify(ev), { msgID });
}

/** A database, a bus with the AUCTION and CATALOG streams, the consumers and the HTTP app. */
export async function startHarness(opts: { consumers?: boolean } = {}) {
  const [tdb, tbus, keys] = await Promise.all([
    createTestDatabase<HistoryDb>({ schema: SCHEMA, migrations }),
    opts.consumers === false ? Promise.resolve(null) : createTestBus([AUCTION_STREAM, CATALOG_STREAM]),
    createTestKeys(),
  ]);
  const log = testLogger("history");
  const consumers = tbus
    ? await startConsumers({ db: tdb.db, bus: tbus.bus, log, backoffMs: () => 100, maxDeliver: 4 })
    : null;
  const app = await buildApp({ db: tdb.db, verifier: keys.verifier, log });
  const others: { stop(): Promise<void> }[] = [];
  const token = (userId: string = randomUUID(), role: "USER" | "ADMIN" = "USER") =>
    keys.signer.sign({ sub: userId, role, sid: randomUUID(), ev: true });
  return {
    db: tdb.db as TestDatabase<HistoryDb>["db"],
    bus: tbus?.bus as Bus,
    app,
    token,
    async get(url: string, auth?: { userId?: string; role?: "USER" | "ADMIN" } | string) {
      const headers: Record<string, string> = {};
      if (typeof auth === "string") headers.authorization = auth;
      else if (auth) headers.authorization = `Bearer ${await token(auth.userId, auth.role)}`;
      return app.inject({ method: "GET", url, headers });
    },
    /** Starts a second instance's consumers (its own NATS connection, the same durables and database). */
    async secondInstance() {
      if (!tbus) throw new Error("no bus");
      const bus = await tbus.connectAnother();
      const c = await startConsumers({ db: tdb.db, bus, log, backoffMs: () => 100, maxDeliver: 4 });
      others.push({
        async stop() {
          await c.stop();
          await bus.close();
        },
      });
    },
    /** True once every history consumer has nothing pending and nothing unacknowledged. */
    async idle() {
      if (!tbus) return true;
      const plan: [string, readonly EventSchema[]][] = [
        [AUCTION_STREAM.name, historyAuctionEvents],
        [CATALOG_STREAM.name, historyCatalogEvents],
      ];
      for (const [stream, schemas] of plan)
        for (const s of schemas) {
          const info = await tbus.bus.jsm.consumers.info(
            tbus.bus.stream(stream),
            durableName(SERVICE, s.shape.type.value),
          );
          if (info.num_pending !== 0 || info.num_ack_pending !== 0) return false;
        }
      return true;
    },
    async close() {
      await Promise.all([consumers?.stop(), ...others.map((o) => o.stop())]);
      await app.close();
      await tbus?.destroy();
      await tdb.drop();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const { ArtworkCreatedV1, ArtworkUpdatedV1, ArtworkArchivedV1 } = catalog;
