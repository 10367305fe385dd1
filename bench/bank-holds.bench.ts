/**
 * Bank holds per second and their latency, over signed NATS requests to the real bank (in this
 * process), on one hot account and spread over 1,000 accounts; beside pgbench running the minimal
 * hold transaction (guarded UPDATE of the account + INSERT of the hold) at the same concurrency on the
 * same database. The bank's own transaction also writes the idempotency key and the outbox row.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { type BankDb, migrations, SCHEMA, startBankRpc } from "@arte/bank";
import { BANK_STREAM, bank as contract } from "@arte/contracts";
import { callRpc } from "@arte/platform";
import { createTestBus, createTestDatabase, testLogger } from "@arte/testing";
import { sql } from "kysely";
import { round, runLoad } from "./lib/load.js";
import { pgbench } from "./lib/pgbench.js";
import type { Bench, Figure } from "./lib/types.js";

const ACCOUNTS = 1000;
const CONCURRENCY = 32;
const CALLS = 6000;
const MAX_MS = 15_000;
const PGBENCH_SECONDS = 10;

const bench: Bench = {
  name: "bank-holds",
  async run() {
    const tdb = await createTestDatabase<BankDb>({ schema: SCHEMA, migrations });
    const tbus = await createTestBus([BANK_STREAM]);
    const secrets = { users: randomBytes(32).toString("hex"), auction: randomBytes(32).toString("hex") };
    const server = startBankRpc({
      db: tdb.db,
      bus: tbus.bus,
      log: testLogger("bank"),
      callers: secrets,
      pinParams: { N: 2 ** 10, r: 8, p: 1 },
    });
    await tbus.bus.nc.flush();
    const asUsers = { service: "users", secret: secrets.users };
    const asAuction = { service: "auction", secret: secrets.auction };
    try {
      // 1,000 funded accounts (balances far above what the run can hold).
      const ids: string[] = [];
      const opened = await runLoad({
        concurrency: 16,
        total: ACCOUNTS,
        maxMs: 120_000,
        fn: async (i) => {
          const r = await callRpc(
            tbus.bus,
            contract.OpenAccount,
            {
              holderName: `Bench ${i}`,
              pin: "1234",
              openingBalance: 1_000_000_000_000,
              key: `open-account-${i}`,
            },
            { credentials: asUsers, timeoutMs: 10_000 },
          );
          ids[i] = r.accountId;
        },
      });
      if (opened.errors) throw new Error(`opening accounts failed: ${opened.errorSamples.join("; ")}`);
      await sql`create table bench_account (i int primary key, id uuid not null)`.execute(tdb.db);
      await sql`insert into bench_account select i - 1, id from unnest(${ids}::uuid[]) with ordinality as t(id, i)`.execute(
        tdb.db,
      );

      const hold = (accountId: string) =>
        callRpc(
          tbus.bus,
          contract.PlaceHold,
          { accountId, amount: 1_000, reference: "bench", key: randomUUID() },
          { credentials: asAuction, timeoutMs: 10_000 },
        );
      const hot = await runLoad({
        concurrency: CONCURRENCY,
        total: CALLS,
        maxMs: MAX_MS,
        fn: () => hold(ids[0]!),
      });
      const spread = await runLoad({
        concurrency: CONCURRENCY,
        total: CALLS,
        maxMs: MAX_MS,
        fn: (i) => hold(ids[i % ACCOUNTS]!),
      });

      const script = (pick: string) => `${pick}
BEGIN;
UPDATE account SET held = held + 1000, updated_at = now()
  WHERE id = (SELECT id FROM bench_account WHERE i = :i) AND posted - held >= 1000;
INSERT INTO hold (id, account_id, amount, reference)
  SELECT gen_random_uuid(), id, 1000, 'pgbench' FROM bench_account WHERE i = :i;
COMMIT;
`;
      const pgHot = pgbench({
        url: tdb.url,
        schema: SCHEMA,
        clients: CONCURRENCY,
        seconds: PGBENCH_SECONDS,
        script: script("\\set i 0"),
      });
      const pgSpread = pgbench({
        url: tdb.url,
        schema: SCHEMA,
        clients: CONCURRENCY,
        seconds: PGBENCH_SECONDS,
        script: script(`\\set i random(0, ${ACCOUNTS - 1})`),
      });
      const ledger = await sql<{ n: number }>`
        select count(*)::int as n from account where kind <> 'CASH' and posted - held < 0`.execute(tdb.db);

      const figures = (label: string, r: typeof hot, base: typeof pgHot): Figure[] => [
        {
          name: `${label}: holds per second`,
          value: round(r.perSecond),
          unit: "holds/s",
          baseline: { name: "pgbench, minimal hold transaction", value: round(base.tps), unit: "tx/s" },
        },
        { name: `${label}: p50 latency`, value: round(r.p50, 2), unit: "ms" },
        {
          name: `${label}: p99 latency`,
          value: round(r.p99, 2),
          unit: "ms",
          baseline: { name: "pgbench average latency", value: round(base.latencyMsAvg, 2), unit: "ms" },
        },
        { name: `${label}: errors`, value: r.errors, unit: "errors" },
      ];
      return {
        name: "bank-holds",
        description: `Holds placed through signed NATS requests to the real bank running in the benchmark's process, ${CONCURRENCY} concurrent callers, up to ${CALLS} holds or ${MAX_MS / 1000} s per case; pgbench runs the minimal hold transaction with ${CONCURRENCY} clients for ${PGBENCH_SECONDS} s on the same database.`,
        figures: [
          ...figures("one hot account", hot, pgHot),
          ...figures(`spread over ${ACCOUNTS} accounts`, spread, pgSpread),
        ],
        notes: [
          `After the run, ${ledger.rows[0]?.n ?? "?"} accounts had a negative available balance (must be 0).`,
          "The bank's transaction does more than the baseline: the idempotency key row, the hold row, the outbox row and its NOTIFY.",
          ...[...hot.errorSamples, ...spread.errorSamples].map((e) => `error sample: ${e}`),
        ],
      };
    } finally {
      await server.stop();
      await tbus.destroy();
      await tdb.drop();
    }
  },
};
export default bench;
