/** `npm run db:migrate -w @arte/payment`: applies the platform tables and this service's migrations. */
import { createDb, createLogger, migrate } from "@arte/platform";
import { loadMigrateConfig } from "./config.js";
import { migrations } from "./db/migrations/index.js";
import { SCHEMA } from "./db/schema.js";

const env = loadMigrateConfig();
const log = createLogger({ service: "payment", instance: "migrate" });
const db = createDb<unknown>({ url: env.DATABASE_URL, schema: SCHEMA, max: 1 });
try {
  const results = await migrate(db, SCHEMA, migrations);
  for (const r of results) log.info({ migration: r.migrationName, status: r.status }, "migration");
  log.info({ schema: SCHEMA, applied: results.length }, "schema is up to date");
} catch (err) {
  log.error({ err }, "migration failed");
  process.exitCode = 1;
} finally {
  await db.destroy();
}
