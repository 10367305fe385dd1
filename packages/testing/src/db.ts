import { createHash, randomBytes } from "node:crypto";
import { createDb, migrate, platformMigrations } from "@arte/platform";
import type { Kysely, Migration } from "kysely";
import pg from "pg";

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A database of its own for one test file, cloned from a template that holds the service's migrated
 * schema (migrated once per set of migrations, then `CREATE DATABASE … TEMPLATE`, which takes ms).
 */
export async function createTestDatabase<DB>(opts: {
  schema: string;
  migrations: Record<string, Migration>;
}) {
  const fingerprint = createHash("sha1")
    .update(opts.schema)
    // The platform's own migrations are part of every template: a new one must rebuild them.
    .update(
      Object.keys({ ...platformMigrations, ...opts.migrations })
        .sort()
        .join(","),
    )
    .update(
      Object.values({ ...platformMigrations, ...opts.migrations })
        .map((m) => m.up.toString())
        .join("\n"),
    )
    .digest("hex")
    .slice(0, 12);
  const template = `arte_tpl_${opts.schema}_${fingerprint}`;
  await admin(async (c) => {
    // One builder per template across parallel test workers.
    await c.query("select pg_advisory_lock(hashtext($1))", [template]);
    try {
      const { rowCount } = await c.query("select 1 from pg_database where datname = $1 and datistemplate", [
        template,
      ]);
      if (!rowCount) {
        await c.query(`drop database if exists "${template}"`);
        await c.query(`create database "${template}"`);
        const db = createDb<unknown>({ url: withDb(ADMIN_URL, template), schema: opts.schema, max: 1 });
        try {
          await migrate(db, opts.schema, opts.migrations);
        } finally {
          await db.destroy();
        }
        await c.query(`alter database "${template}" with is_template true`);
      }
    } finally {
      await c.query("select pg_advisory_unlock(hashtext($1))", [template]);
    }
  });
  const name = `arte_t_${opts.schema}_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`create database "${name}" template "${template}"`));
  const url = withDb(ADMIN_URL, name);
  const db = createDb<DB>({ url, schema: opts.schema, max: 20 });
  return {
    db: db as Kysely<DB>,
    url,
    name,
    async drop() {
      await db.destroy();
      await admin(async (c) => {
        // pg's pool.end() resolves before its backends have gone: forcing the drop while they close
        // makes their clients emit an unhandled 57P01 error. Give them a moment, then force.
        for (let i = 0; i < 40; i++) {
          const { rows } = await c.query(
            "select count(*)::int as n from pg_stat_activity where datname = $1",
            [name],
          );
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        await c.query(`drop database if exists "${name}" with (force)`);
      });
    },
  };
}
export type TestDatabase<DB> = Awaited<ReturnType<typeof createTestDatabase<DB>>>;
