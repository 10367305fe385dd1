import { randomUUID } from "node:crypto";
import {
  createTestBus,
  createTestDatabase,
  eventually,
  readStream,
  type TestDatabase,
  testLogger,
} from "@arte/testing";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  PTEST_SCHEMA,
  PTEST_STREAM,
  type PtestDb,
  ptestMigrations,
  sleep,
  thingEvent,
} from "../../test/fixtures.js";
import type { Bus } from "../bus/bus.js";
import { markOutboxWritten } from "../db/after-commit.js";
import { createDb } from "../db/index.js";
import type { PlatformTables } from "../db/platform-migrations.js";
import { createMetrics } from "../metrics.js";
import { enqueue } from "./enqueue.js";
import { createOutboxRelay, type OutboxRelay, type RelayOptions } from "./relay.js";

type Db = PtestDb & PlatformTables;

let tdb: TestDatabase<Db>;
let db: Kysely<Db>;
let tbus: Awaited<ReturnType<typeof createTestBus>>;
let bus: Bus;
const log = testLogger();
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  [tdb, tbus] = await Promise.all([
    createTestDatabase<Db>({ schema: PTEST_SCHEMA, migrations: ptestMigrations }),
    createTestBus([PTEST_STREAM]),
  ]);
  db = tdb.db;
  bus = tbus.bus;
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await tbus?.destroy();
  await tdb?.drop();
});

function relay(over: Partial<RelayOptions> = {}) {
  const r = createOutboxRelay({
    db,
    bus,
    log,
    listenUrl: tdb.url,
    schema: PTEST_SCHEMA,
    pollMs: 60_000, // only a NOTIFY can wake it within a test
    ...over,
  });
  relays.push(r);
  return r;
}

/** The stream's messages carrying one of these event ids (as Nats-Msg-Id). */
async function published(ids: string[]) {
  const want = new Set(ids);
  const all = await readStream(bus, bus.stream(PTEST_STREAM.name));
  return all.filter((m) => want.has(m.headers["Nats-Msg-Id"] ?? ""));
}

const row = (id: string) => db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();

describe("outbox enqueue + relay", () => {
  it("writes nothing and publishes nothing when the transaction rolls back", async () => {
    const Ev = thingEvent("rolledback");
    let id = "";
    await expect(
      db.transaction().execute(async (trx) => {
        id = (await enqueue(trx, Ev, { n: 1 })).id;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");

    expect(await row(id)).toBeUndefined();
    await relay().tick();
    expect(await published([id])).toHaveLength(0);
  });

  it("sends the wake-up NOTIFY after the commit (not inside the transaction), once, and none on rollback", async () => {
    const Ev = thingEvent("notified");
    const listener = new pg.Client({ connectionString: tdb.url });
    const heard: string[] = [];
    listener.on("notification", (n) => heard.push(n.channel));
    await listener.connect();
    try {
      await listener.query(`listen "outbox_${PTEST_SCHEMA}"`);
      let deferred = false;
      await db.transaction().execute(async (trx) => {
        await enqueue(trx, Ev, { n: 1 });
        await enqueue(trx, Ev, { n: 2 });
        // The transaction only marks itself; the NOTIFY is sent once it has committed.
        deferred = markOutboxWritten(trx);
      });
      expect(deferred).toBe(true);
      await eventually(async () => heard.length === 1, 5_000, 10);
      await expect(
        db.transaction().execute(async (trx) => {
          await enqueue(trx, Ev, { n: 3 });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      await sleep(300);
      expect(heard).toEqual([`outbox_${PTEST_SCHEMA}`]);
      // Outside a transaction of createDb's database there is nothing to defer to.
      expect(markOutboxWritten(db)).toBe(false);
    } finally {
      await listener.end();
    }
  });

  it("publishes a committed event with Nats-Msg-Id = event id, woken by NOTIFY well before the poll", async () => {
    const Ev = thingEvent("committed");
    const r = relay();
    await r.start();
    await sleep(200); // the relay's first round is over: it now sleeps for pollMs (60 s)

    const started = Date.now();
    const event = await db
      .transaction()
      .execute((trx) => enqueue(trx, Ev, { n: 7 }, { correlationId: "req-abc" }));
    const done = await eventually(async () => (await row(event.id))?.published_at, 5_000, 10);
    const elapsed = Date.now() - started;

    expect(done).toBeInstanceOf(Date);
    expect(elapsed).toBeLessThan(500);
    const [msg, ...more] = await published([event.id]);
    expect(more).toHaveLength(0);
    expect(msg?.subject).toBe(bus.subject(Ev.shape.type.value));
    expect(msg?.headers["Nats-Msg-Id"]).toBe(event.id);
    expect(msg?.headers["Correlation-Id"]).toBe("req-abc");
    expect(msg?.json()).toEqual(event);
  });

  it("opens its LISTEN connection again when Postgres drops it, and is woken by NOTIFY once more", async () => {
    const Ev = thingEvent("relisten");
    const r = relay();
    await r.start();
    await sleep(200);
    // What a Postgres restart does to the relay's connection.
    const killed = await sql<{ n: number }>`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
       where application_name = ${`outbox-listen:${PTEST_SCHEMA}`} and datname = current_database()`.execute(
      db,
    );
    expect(killed.rows[0]?.n).toBe(1);
    // It is back (the first retry is after 0.5 s)…
    await eventually(async () => {
      const back = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
         where application_name = ${`outbox-listen:${PTEST_SCHEMA}`} and datname = current_database()`.execute(
        db,
      );
      return back.rows[0]?.n === 1;
    }, 10_000);
    await sleep(200); // the catch-up round after the reconnect is over
    // …and a NOTIFY wakes the relay again well before its 60 s poll.
    const started = Date.now();
    const event = await db.transaction().execute((trx) => enqueue(trx, Ev, { n: 1 }));
    await eventually(async () => (await row(event.id))?.published_at, 5_000, 10);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("loses no wake-up: an event committed while a round is publishing goes out without waiting for the poll", async () => {
    const Ev = thingEvent("wakeup");
    // A broker that takes 150 ms per publish: the second commit's NOTIFY lands mid-round, after the claim.
    const slowBus: Bus = {
      ...bus,
      js: {
        ...bus.js,
        publish: async (...args: Parameters<Bus["js"]["publish"]>) => {
          await sleep(150);
          return bus.js.publish(...args);
        },
      } as Bus["js"],
    };
    const r = relay({ bus: slowBus });
    await r.start();
    await sleep(100);
    const first = await db.transaction().execute((trx) => enqueue(trx, Ev, { n: 1 }));
    await sleep(50); // the relay has claimed `first` and is publishing it
    const second = await db.transaction().execute((trx) => enqueue(trx, Ev, { n: 2 }));
    // A lost NOTIFY would leave `second` waiting for the 60 s poll.
    await eventually(async () => (await published([first.id, second.id])).length === 2, 2_000);
  });

  it("publishes the events of one transaction in the order they were enqueued", async () => {
    const Ev = thingEvent("ordered");
    const events = await db.transaction().execute(async (trx) => {
      const out = [];
      for (let n = 0; n < 30; n++) out.push(await enqueue(trx, Ev, { n }));
      return out;
    });
    expect(await relay().tick()).toBe(30);
    const msgs = await published(events.map((e) => e.id));
    expect(msgs.map((m) => m.json<{ data: { n: number } }>().data.n)).toEqual(events.map((e) => e.data.n));
  });

  it("publishes no duplicate when the relay fails between the publish and the mark", async () => {
    const Ev = thingEvent("crash");
    const event = await db.transaction().execute((trx) => enqueue(trx, Ev, { n: 1 }));
    // The mark (UPDATE outbox … published_at) raises: the relay's transaction rolls back after the publish.
    await sql`create function ptest_refuse_update() returns trigger language plpgsql as
      $$ begin raise exception 'simulated crash before mark'; end $$`.execute(db);
    await sql`create trigger outbox_refuse_update before update on outbox
      for each row execute function ptest_refuse_update()`.execute(db);
    const r = relay();
    try {
      await expect(r.tick()).rejects.toThrow("simulated crash before mark");
    } finally {
      await sql`drop trigger outbox_refuse_update on outbox`.execute(db);
      await sql`drop function ptest_refuse_update()`.execute(db);
    }
    expect((await row(event.id))?.published_at).toBeNull();
    expect(await published([event.id])).toHaveLength(1); // it did reach the broker

    expect(await r.tick()).toBe(1); // republished with the same msg id: the broker drops it
    expect((await row(event.id))?.published_at).toBeInstanceOf(Date);
    expect(await published([event.id])).toHaveLength(1);
  });

  it("two relay instances over 200 rows publish each event exactly once", async () => {
    const Ev = thingEvent("tworelays");
    const bus2 = await tbus.connectAnother();
    const db2 = createDb<Db>({ url: tdb.url, schema: PTEST_SCHEMA, max: 5 });
    try {
      const m1 = createMetrics("ptest", "a");
      const m2 = createMetrics("ptest", "b");
      const a = relay({ batchSize: 20, metrics: m1 });
      const b = createOutboxRelay({
        db: db2,
        bus: bus2,
        log,
        listenUrl: tdb.url,
        schema: PTEST_SCHEMA,
        pollMs: 60_000,
        batchSize: 20,
        metrics: m2,
      });
      relays.push(b);
      await Promise.all([a.start(), b.start()]);

      const ids = (
        await Promise.all(
          Array.from({ length: 10 }, (_, t) =>
            db.transaction().execute(async (trx) => {
              const out: string[] = [];
              for (let i = 0; i < 20; i++) out.push((await enqueue(trx, Ev, { n: t * 20 + i })).id);
              return out;
            }),
          ),
        )
      ).flat();

      await eventually(async () => {
        const n = await db
          .selectFrom("outbox")
          .select(sql<number>`count(*)::int`.as("n"))
          .where("id", "in", ids)
          .where("published_at", "is", null)
          .executeTakeFirstOrThrow();
        return n.n === 0;
      }, 10_000);
      const msgs = await published(ids);
      expect(msgs).toHaveLength(200);
      expect(new Set(msgs.map((m) => m.headers["Nats-Msg-Id"])).size).toBe(200);
      // SKIP LOCKED: no row was published by both instances (each publish is counted once).
      const count = async (m: typeof m1) => (await m.outboxPublished.get()).values[0]?.value ?? 0;
      expect((await count(m1)) + (await count(m2))).toBe(200);
      expect(await count(m1)).toBeGreaterThan(0);
      expect(await count(m2)).toBeGreaterThan(0);
    } finally {
      await bus2.close();
      await db2.destroy();
    }
  });

  it("keeps a row pending with retry state when the publish fails, and publishes it once it can", async () => {
    // No stream covers `ptestx.>` yet: JetStream answers "no responders".
    const Orphan = thingEvent("x");
    const subject = Orphan.shape.type.value.replace(/^ptest\./, "ptestx.") as string;
    const event = await db.transaction().execute(async (trx) => {
      const e = await enqueue(trx, Orphan, { n: 1 });
      await trx.updateTable("outbox").set({ subject }).where("id", "=", e.id).execute();
      return e;
    });
    const r = relay();
    expect(await r.tick()).toBe(0);
    const failed = await row(event.id);
    expect(failed?.published_at).toBeNull();
    expect(failed?.attempts).toBe(1);
    expect(failed?.last_error).toBeTruthy();
    expect(failed!.next_attempt_at.getTime()).toBeGreaterThan(Date.now());

    const stream = bus.stream("PTESTX");
    await bus.jsm.streams.add({ name: stream, subjects: [bus.subject("ptestx.>")] });
    try {
      expect(await r.tick()).toBe(0); // still backing off
      await eventually(async () => (await r.tick()) === 1, 5_000, 100);
      const done = await row(event.id);
      expect(done?.published_at).toBeInstanceOf(Date);
      expect(done?.attempts).toBe(1);
      expect(await readStream(bus, stream)).toHaveLength(1);
    } finally {
      await bus.jsm.streams.delete(stream).catch(() => {});
    }
  });

  it("prunes published rows older than retentionMs, and only those", async () => {
    const mk = (published: string | null, created = "now()") => ({
      id: randomUUID(),
      subject: "ptest.prune.v1",
      payload: JSON.stringify({}),
      created_at: sql<Date>`${sql.raw(created)}`,
      published_at: published === null ? null : sql<Date>`${sql.raw(published)}`,
      next_attempt_at: sql<Date>`now() + interval '1 day'`, // never due: the relay must not publish them
    });
    const old = mk("now() - interval '2 hours'", "now() - interval '3 hours'");
    const recent = mk("now() - interval '10 minutes'");
    const pending = mk(null, "now() - interval '3 hours'");
    await db.insertInto("outbox").values([old, recent, pending]).execute();

    const r = relay({ retentionMs: 3600_000 });
    expect(await r.prune()).toBe(1);
    const left = await db
      .selectFrom("outbox")
      .select("id")
      .where("id", "in", [old.id, recent.id, pending.id])
      .execute();
    expect(left.map((x) => x.id).sort()).toEqual([recent.id, pending.id].sort());

    // The running relay prunes on its own (first round, then every pruneEveryMs).
    const again = mk("now() - interval '2 hours'");
    await db.insertInto("outbox").values(again).execute();
    const r2 = relay({ retentionMs: 3600_000, pruneEveryMs: 50, pollMs: 50 });
    await r2.start();
    await eventually(async () => !(await row(again.id)));
    await db.deleteFrom("outbox").where("id", "in", [recent.id, pending.id]).execute();
  });
});
