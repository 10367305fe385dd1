import { randomBytes, randomUUID } from "node:crypto";
import type { EventSchema } from "@arte/contracts";
import {
  createTestBus,
  createTestDatabase,
  eventually,
  readStream,
  type TestDatabase,
  testLogger,
} from "@arte/testing";
import { headers as natsHeaders } from "@nats-io/transport-node";
import type { Kysely } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  PTEST_SCHEMA,
  PTEST_STREAM,
  type PtestDb,
  ptestMigrations,
  sleep,
  thingEvent,
} from "../../test/fixtures.js";
import type { PlatformTables } from "../db/platform-migrations.js";
import { PermanentError } from "../errors.js";
import { claimInbox } from "../outbox/inbox.js";
import { type Bus, DLQ_STREAM } from "./bus.js";
import { type ConsumerOptions, type EventHandler, type RunningConsumer, runConsumer } from "./consumer.js";
import { listDeadLetters, replayDeadLetter } from "./dlq.js";

type Db = PtestDb & PlatformTables;

let tdb: TestDatabase<Db>;
let db: Kysely<Db>;
let tbus: Awaited<ReturnType<typeof createTestBus>>;
let bus: Bus;
const log = testLogger();
const running: RunningConsumer[] = [];

beforeAll(async () => {
  [tdb, tbus] = await Promise.all([
    createTestDatabase<Db>({ schema: PTEST_SCHEMA, migrations: ptestMigrations }),
    createTestBus([PTEST_STREAM]),
  ]);
  db = tdb.db;
  bus = tbus.bus;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
afterAll(async () => {
  await tbus?.destroy();
  await tdb?.drop();
});

const durable = (name: string) => `ptest--${name}-${randomBytes(3).toString("hex")}`;

async function consume<S extends EventSchema>(
  opts: Partial<ConsumerOptions> & { durable: string },
  handler: EventHandler<S>,
) {
  const c = await runConsumer(
    bus,
    { stream: PTEST_STREAM.name, log, backoffMs: () => 100, ackWaitMs: 5_000, ...opts },
    handler,
  );
  running.push(c);
  return c;
}

const envelope = <S extends EventSchema>(schema: S, data: z.input<S["shape"]["data"]>) =>
  schema.parse({
    id: randomUUID(),
    type: schema.shape.type.value,
    occurredAt: new Date().toISOString(),
    data,
  }) as z.infer<S>;

async function publish(schema: EventSchema, body: unknown, msgID: string = randomUUID()) {
  await bus.js.publish(
    bus.subject(schema.shape.type.value),
    typeof body === "string" ? body : JSON.stringify(body),
    {
      msgID,
    },
  );
}

const deadLetters = (d: string) => readStream(bus, bus.stream(DLQ_STREAM.name), bus.subject(`dlq.${d}`));

async function consumerState(d: string) {
  const info = await bus.jsm.consumers.info(bus.stream(PTEST_STREAM.name), d);
  return { ackPending: info.num_ack_pending, pending: info.num_pending, redelivered: info.num_redelivered };
}

describe("runConsumer", () => {
  it("has one effect for an event delivered again after its transaction committed (inbox)", async () => {
    const Ev = thingEvent("inbox");
    const d = durable("inbox");
    const tag = randomUUID();
    let calls = 0;
    await consume(
      { durable: d },
      {
        schema: Ev,
        async handle(event) {
          calls++;
          await db.transaction().execute(async (trx) => {
            if (!(await claimInbox(trx, d, event.id))) return;
            await trx.insertInto("thing").values({ id: randomUUID(), n: event.data.n, tag }).execute();
          });
          // The crash window: committed, but the ack never happens on the first delivery.
          if (calls === 1) throw new Error("crashed before the ack");
        },
      },
    );
    const event = envelope(Ev, { n: 1 });
    await publish(Ev, event);
    await publish(Ev, event); // the same event again under another msg id (a replay / re-emit)

    await eventually(async () => calls >= 3 && (await consumerState(d)).ackPending === 0);
    const effects = await db.selectFrom("thing").selectAll().where("tag", "=", tag).execute();
    expect(effects).toHaveLength(1);
    expect(await deadLetters(d)).toHaveLength(0);
  });

  it("dead-letters a payload that is not JSON or breaks the contract, without calling the handler or redelivering", async () => {
    const Ev = thingEvent("poison");
    const d = durable("poison");
    let calls = 0;
    await consume({ durable: d }, { schema: Ev, handle: async () => void calls++ });
    await publish(Ev, "this is not json");
    await publish(Ev, { ...envelope(Ev, { n: 1 }), data: { n: "one" } });

    const dlq = await eventually(async () => {
      const m = await deadLetters(d);
      return m.length === 2 && m;
    });
    expect(calls).toBe(0);
    const [first, second] = dlq;
    expect(first?.headers).toMatchObject({
      "Dlq-Durable": d,
      "Dlq-Original-Subject": Ev.shape.type.value,
      "Dlq-Original-Stream": bus.stream(PTEST_STREAM.name),
      "Dlq-Deliveries": "1",
    });
    expect(first?.headers["Dlq-Reason"]).toMatch(/^contract violation/);
    expect(new TextDecoder().decode(first?.data)).toBe("this is not json"); // kept as it was
    expect(second?.headers["Dlq-Reason"]).toMatch(/data\.n/);

    await sleep(400); // longer than the backoff: nothing comes back
    expect(calls).toBe(0);
    expect(await consumerState(d)).toMatchObject({ ackPending: 0, pending: 0, redelivered: 0 });
    expect(await deadLetters(d)).toHaveLength(2);
  });

  it("retries a failing handler with backoff, then dead-letters it after maxDeliver deliveries", async () => {
    const Ev = thingEvent("failing");
    const d = durable("failing");
    const seen: { at: number; delivery: number }[] = [];
    await consume(
      { durable: d, maxDeliver: 3, backoffMs: (n) => 150 * n },
      {
        schema: Ev,
        async handle(_e, ctx) {
          seen.push({ at: Date.now(), delivery: ctx.deliveryCount });
          throw new Error("bank is down");
        },
      },
    );
    const event = envelope(Ev, { n: 1 });
    await publish(Ev, event, event.id);

    const [dead] = await eventually(async () => {
      const m = await deadLetters(d);
      return m.length === 1 && m;
    });
    expect(seen.map((s) => s.delivery)).toEqual([1, 2, 3]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(140); // backoff(1) = 150 ms
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(290); // backoff(2) = 300 ms
    expect(dead?.headers["Dlq-Deliveries"]).toBe("3");
    expect(dead?.headers["Dlq-Reason"]).toBe("bank is down");
    expect(dead?.json()).toEqual(event);

    await sleep(500);
    expect(seen).toHaveLength(3);
    expect((await consumerState(d)).ackPending).toBe(0);
  });

  it("dead-letters at once on a PermanentError, keeping the producer's headers", async () => {
    const Ev = thingEvent("permanent");
    const d = durable("permanent");
    let calls = 0;
    await consume(
      { durable: d, maxDeliver: 5 },
      {
        schema: Ev,
        async handle() {
          calls++;
          throw new PermanentError("550 mailbox unavailable");
        },
      },
    );
    const h = natsHeaders();
    h.set("Correlation-Id", "req-42");
    await bus.js.publish(bus.subject(Ev.shape.type.value), JSON.stringify(envelope(Ev, { n: 1 })), {
      headers: h,
    });
    const [dead] = await eventually(async () => {
      const m = await deadLetters(d);
      return m.length === 1 && m;
    });
    expect(calls).toBe(1);
    expect(dead?.headers["Dlq-Reason"]).toBe("550 mailbox unavailable");
    expect(dead?.headers["Dlq-Deliveries"]).toBe("1");
    expect(dead?.headers["Correlation-Id"]).toBe("req-42");
    await sleep(300);
    expect(calls).toBe(1);
  });

  it("stop() waits for the message in flight and hands back the ones it had buffered", async () => {
    const Ev = thingEvent("stop");
    const d = durable("stop");
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const inFlight = new Promise<void>((r) => {
      started = r;
    });
    const c = await runConsumer(
      bus,
      { stream: PTEST_STREAM.name, durable: d, log, ackWaitMs: 1_000, pullExpiresMs: 1_000 },
      {
        schema: Ev,
        async handle(e) {
          if (e.data.n === 0) {
            started();
            await gate;
          }
          handled.push(e.data.n);
        },
      },
    );
    for (let n = 0; n < 3; n++) await publish(Ev, envelope(Ev, { n }));
    await inFlight;
    await sleep(50); // the other two are now in the client's buffer

    let stopped = false;
    const stopping = c.stop().then(() => {
      stopped = true;
    });
    await sleep(150);
    expect(stopped).toBe(false); // still waiting for the handler
    release();
    await stopping;
    expect(handled).toEqual([0]);

    // The buffered ones were not lost: the next instance handles them (after the old pull request
    // expired and their ack wait ran out), and the acked one does not come back.
    await consume(
      { durable: d, ackWaitMs: 1_000, pullExpiresMs: 1_000 },
      { schema: Ev, handle: async (e) => void handled.push(e.data.n) },
    );
    await eventually(async () => handled.includes(1) && handled.includes(2));
    await sleep(300);
    // At least once: a handed-back message may arrive twice (the inbox makes that harmless).
    expect(handled.filter((n) => n === 0)).toHaveLength(1);
    expect(await deadLetters(d)).toHaveLength(0);
  });

  it("lists a dead letter and replays it to its subject, where the fixed handler takes it", async () => {
    const Ev = thingEvent("replay");
    const d = durable("replay");
    let broken = true;
    const handled: string[] = [];
    await consume(
      { durable: d },
      {
        schema: Ev,
        async handle(e) {
          if (broken) throw new PermanentError("template missing");
          handled.push(e.id);
        },
      },
    );
    const event = envelope(Ev, { n: 1 });
    const h = natsHeaders();
    h.set("Correlation-Id", "req-7");
    await bus.js.publish(bus.subject(Ev.shape.type.value), JSON.stringify(event), {
      msgID: event.id,
      headers: h,
    });

    const [dead] = await eventually(async () => {
      const l = await listDeadLetters(bus, { durable: d });
      return l.length === 1 && l;
    });
    expect(dead).toMatchObject({
      durable: d,
      originalSubject: Ev.shape.type.value,
      reason: "template missing",
      deliveries: 1,
      headers: { "Correlation-Id": "req-7" },
    });
    expect(await listDeadLetters(bus, { durable: "someone-else" })).toHaveLength(0);

    broken = false; // the fix is deployed
    const r = await replayDeadLetter(bus, dead!.seq);
    expect(r.subject).toBe(Ev.shape.type.value);
    await eventually(async () => handled.length === 1);
    expect(handled).toEqual([event.id]);
    expect(await listDeadLetters(bus, { durable: d })).toHaveLength(0);
    const replayed = (await readStream(bus, bus.stream(PTEST_STREAM.name))).find(
      (m) => m.seq === r.streamSeq,
    );
    expect(replayed?.headers["Correlation-Id"]).toBe("req-7");
    await expect(replayDeadLetter(bus, dead!.seq)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
