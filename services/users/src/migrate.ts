import { createDb, migrate } from "@arte/platform";
import { z } from "zod";
import { migrations } from "./db/migrations/index.js";
import { SCHEMA } from "./db/schema.js";

// `npm run db:migrate -w @arte/users`: applies this service's migrations to DATABASE_URL.
const env = z
  .object({ DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/arte") })
  .parse(process.env);
const db = createDb({ url: env.DATABASE_URL, schema: SCHEMA, max: 1 });
try {
  const results = await migrate(db, SCHEMA, migrations);
  for (const r of results) console.log(`${r.status.toLowerCase()}: ${SCHEMA}.${r.migrationName}`);
  console.log(`schema ${SCHEMA} is up to date`);
} finally {
  await db.destroy();
}
