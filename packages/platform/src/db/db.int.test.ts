/**
 * A connection that dies under the pool (Postgres restarted or failed over, pg_terminate_backend, a
 * network cut) fails the query that used it — and nothing else: the process goes on and the pool
 * opens new connections. Found by the chaos run (test/chaos): terminating the chaos database's backends
 * crashed every service instance at once with an unhandled 'error' event.
 */
import { createTestDatabase, type TestDatabase } from "@arte/testing";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let tdb: TestDatabase<unknown>;

beforeAll(async () => {
  tdb = await createTestDatabase<unknown>({ schema: "dbtest", migrations: {} });
});
afterAll(async () => {
  await tdb?.drop();
});

async function terminate(pids: number[]) {
  const c = new pg.Client({ connectionString: tdb.url });
  c.on("error", () => {});
  await c.connect();
  try {
    await c.query("select pg_terminate_backend(pid) from pg_stat_activity where pid = any($1::int[])", [
      pids,
    ]);
  } finally {
    await c.end();
  }
}

const pidOf = async (db: typeof tdb.db) =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;

describe("connections that die under the pool", () => {
  it("survives idle connections being terminated and reconnects", async () => {
    const pids = await Promise.all([pidOf(tdb.db), pidOf(tdb.db), pidOf(tdb.db)]);
    await terminate(pids);
    await new Promise((r) => setTimeout(r, 300)); // the FATAL reaches the idle clients
    const after = await pidOf(tdb.db);
    expect(pids).not.toContain(after);
  });

  it("fails only the transaction whose connection died between two statements", async () => {
    const tx = tdb.db.transaction().execute(async (trx) => {
      const pid = await pidOf(trx);
      await terminate([pid]);
      // checked out, between statements: the FATAL arrives while no query runs
      await new Promise((r) => setTimeout(r, 300));
      await sql`select 1`.execute(trx);
    });
    await expect(tx).rejects.toThrow();
    expect((await sql<{ one: number }>`select 1 as one`.execute(tdb.db)).rows[0]!.one).toBe(1);
  });
});
