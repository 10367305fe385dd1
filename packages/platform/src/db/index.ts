import {
  Kysely,
  type Kysely as KyselyT,
  type Migration,
  Migrator,
  PostgresDialect,
  sql,
  type Transaction,
} from "kysely";
import pg from "pg";
import { notifyingAfterCommit } from "./after-commit.js";
import { platformMigrations } from "./platform-migrations.js";

// bigint (int8) columns come back as JS numbers when they fit the safe-integer range; money never
// exceeds it (KRW amounts are far below 2^53) and the check below makes an overflow loud, not silent.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} exceeds the safe integer range`);
  return n;
});

/** The pool or an open transaction: every repository function takes one, so callers own the transaction. */
export type Executor<DB> = Kysely<DB> | Transaction<DB>;

export type DbOptions = { url: string; schema: string; max?: number; applicationName?: string };

/**
 * A Kysely instance whose connections use `search_path = <schema>`: a service's SQL names its own tables
 * unqualified and cannot reach another service's schema by accident (its role cannot, by design).
 */
export function createDb<DB>(opts: DbOptions): KyselyT<DB> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    options: `-c search_path=${quoteIdent(opts.schema)}`,
    application_name: opts.applicationName ?? opts.schema,
    idleTimeoutMillis: 30_000,
  });
  // A connection can die under the pool (Postgres restarted or failed over, pg_terminate_backend, a
  // network cut). pg reports it as an 'error' event — on the pool for an idle connection, on the client
  // itself for one checked out between two statements — and an unheard 'error' event ends the process:
  // every instance would crash at once. The statement that used the connection fails on its own (the
  // caller retries), and the pool drops a broken connection when it is released.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return notifyingAfterCommit(new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }));
}

/** Quotes an SQL identifier (schema names come from code, never from users, but stay safe anyway). */
export const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * Applies the platform's tables (outbox, inbox, idempotency) and then the service's migrations, in name
 * order, inside the service's schema. Migrations are append-only: a file, once merged, never changes.
 */
export async function migrate(db: Kysely<unknown>, schema: string, migrations: Record<string, Migration>) {
  const exists = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_namespace where nspname = ${schema}`.execute(db);
  if (exists.rows[0]?.n === 0) await sql`create schema ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    migrationTableSchema: schema,
    // Platform migrations added later sort before the service's own ones already applied.
    allowUnorderedMigrations: true,
    provider: { getMigrations: async () => ({ ...platformMigrations, ...migrations }) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? "?"} of schema ${schema} failed: ${String(error)}`, {
      cause: error,
    });
  }
  return results ?? [];
}

export { sql };
