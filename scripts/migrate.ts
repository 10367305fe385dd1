/** `npm run db:migrate`: provisions every service's schema and role and applies its migrations. */
import { createStreams, migrateAll } from "./lib/setup.js";

const say = (line: string) => process.stdout.write(`[arte] ${line}\n`);
await migrateAll({
  adminUrl: process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  database: process.env.DATABASE_NAME ?? "arte",
  say,
});
await createStreams({
  natsUrl: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
  prefix: process.env.NATS_PREFIX ?? "",
  say,
});
