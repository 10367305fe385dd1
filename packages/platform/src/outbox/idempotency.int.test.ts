import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@arte/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PTEST_SCHEMA, type PtestDb, ptestMigrations } from "../../test/fixtures.js";
import type { PlatformTables } from "../db/platform-migrations.js";
import { AppError } from "../errors.js";
import { idempotent, requestHash } from "./idempotency.js";
import { claimInbox, inbox } from "./inbox.js";

type Db = PtestDb & PlatformTables;
let tdb: TestDatabase<Db>;
let db: Kysely<Db>;

beforeAll(async () => {
  tdb = await createTestDatabase<Db>({ schema: PTEST_SCHEMA, migrations: ptestMigrations });
  db = tdb.db;
});
afterAll(async () => {
  await tdb?.drop();
});

describe("claimInbox", () => {
  it("is true the first time a consumer claims a message, then false; other consumers are independent", async () => {
    const id = randomUUID();
    expect(await db.transaction().execute((trx) => claimInbox(trx, "c1", id))).toBe(true);
    expect(await db.transaction().execute((trx) => claimInbox(trx, "c1", id))).toBe(false);
    expect(await db.transaction().execute((trx) => inbox.claim(trx, "c2", id))).toBe(true);
  });

  it("releases the claim when the transaction rolls back (the effect did not happen either)", async () => {
    const id = randomUUID();
    await expect(
      db.transaction().execute(async (trx) => {
        expect(await claimInbox(trx, "c1", id)).toBe(true);
        throw new Error("effect failed");
      }),
    ).rejects.toThrow("effect failed");
    expect(await db.transaction().execute((trx) => claimInbox(trx, "c1", id))).toBe(true);
  });
});

describe("idempotent", () => {
  it("runs fn once for 20 concurrent calls with the same key and arguments; all get the same result", async () => {
    const key = randomUUID();
    const tag = randomUUID();
    let runs = 0;
    const call = () =>
      db.transaction().execute((trx) =>
        idempotent(trx, { scope: "bids", key, request: { lotId: "l1", amount: 500 } }, async () => {
          runs++;
          const id = randomUUID();
          await trx.insertInto("thing").values({ id, n: runs, tag }).execute();
          await new Promise((r) => setTimeout(r, 50)); // hold the key row while the others arrive
          return { bidId: id, amount: 500 };
        }),
      );
    const results = await Promise.all(Array.from({ length: 20 }, call));

    expect(runs).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const first = results.find((r) => !r.replayed)!.result;
    for (const r of results) expect(r.result).toEqual(first);
    expect(await db.selectFrom("thing").selectAll().where("tag", "=", tag).execute()).toHaveLength(1);

    // Later, sequentially: still the stored result.
    const again = await call();
    expect(again).toEqual({ result: first, replayed: true });
  });

  it("treats argument objects with the same content in another key order as the same request", async () => {
    expect(requestHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      requestHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });

  it("refuses the same key with other arguments: 409 IDEMPOTENCY_KEY_REUSED", async () => {
    const key = randomUUID();
    await db
      .transaction()
      .execute((trx) => idempotent(trx, { scope: "bids", key, request: { amount: 500 } }, async () => 1));
    const err = await db
      .transaction()
      .execute((trx) => idempotent(trx, { scope: "bids", key, request: { amount: 600 } }, async () => 2))
      .catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", status: 409 });
    // Another scope is another key space.
    const other = await db
      .transaction()
      .execute((trx) => idempotent(trx, { scope: "payments", key, request: { amount: 600 } }, async () => 3));
    expect(other).toEqual({ result: 3, replayed: false });
  });

  it("forgets the key when fn fails, so a retry runs it again", async () => {
    const key = randomUUID();
    const opts = { scope: "bids", key, request: { amount: 1 } };
    await expect(
      db.transaction().execute((trx) =>
        idempotent(trx, opts, async () => {
          throw new Error("bank down");
        }),
      ),
    ).rejects.toThrow("bank down");
    const ok = await db.transaction().execute((trx) => idempotent(trx, opts, async () => "done"));
    expect(ok).toEqual({ result: "done", replayed: false });
  });

  it("refuses to run outside a transaction", async () => {
    await expect(
      idempotent(db, { scope: "bids", key: randomUUID(), request: {} }, async () => 1),
    ).rejects.toThrow(/inside the caller's transaction/);
  });
});
