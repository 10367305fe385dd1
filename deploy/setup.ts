/**
 * The one-shot setup of a deployment (the compose `setup` service, the Kubernetes `arte-setup` Job):
 * what `npm run db:migrate` does for `npm start`, plus what a shared database and a NATS cluster need.
 *
 *   1. creates the database, and per service its schema and login role `arte_<schema>` (ADR 0005),
 *      with the role's password from DATABASE_ROLE_PASSWORDS when given (`{"users":"…",…}`, keyed by
 *      service name) — a database that does not trust the network needs them;
 *   2. creates the extensions a service needs (admin connection) and applies its migrations as its role;
 *   3. creates or updates every JetStream stream with NATS_STREAM_REPLICAS replicas (3 on a
 *      three-node cluster; an existing R1 stream is scaled up) and the durable consumers;
 *   4. creates the first admin when ADMIN_EMAIL and ADMIN_PASSWORD are both set.
 *
 * Idempotent: run it on every release before the services roll. Reads DATABASE_ADMIN_URL,
 * DATABASE_NAME, DATABASE_ROLE_PASSWORDS, NATS_URL, NATS_PREFIX, NATS_USER, NATS_PASSWORD,
 * NATS_STREAM_REPLICAS, ADMIN_EMAIL, ADMIN_PASSWORD.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { durableName, STREAMS, SUBSCRIPTIONS } from "@arte/contracts";
import {
  connectBus,
  createDb,
  ensureConsumer,
  ensureStreams,
  migrate,
  provisionDatabase,
  provisionServiceSchema,
} from "@arte/platform";
import type { Migration } from "kysely";
import pg from "pg";
import { roleOf, SERVICES } from "./services.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const env = process.env;
const say = (line: string) => process.stdout.write(`[setup] ${line}\n`);

const adminUrl = env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = env.DATABASE_NAME ?? "arte";
const replicas = Number(env.NATS_STREAM_REPLICAS ?? 1);
if (![1, 3, 5].includes(replicas)) throw new Error("NATS_STREAM_REPLICAS must be 1, 3 or 5");
const passwords = env.DATABASE_ROLE_PASSWORDS
  ? (JSON.parse(env.DATABASE_ROLE_PASSWORDS) as Record<string, string>)
  : {};

/** The connection string of `database` on the admin URL's server, as `user` (with `password`) if given. */
function dbUrl(user?: string, password?: string) {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user;
    u.password = password ? encodeURIComponent(password) : "";
  }
  return u.toString();
}

async function adminQuery(query: string) {
  const c = new pg.Client({ connectionString: dbUrl() });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

async function databases() {
  await provisionDatabase(adminUrl, database);
  for (const svc of SERVICES) {
    if (!svc.schema) continue;
    const index = resolve(ROOT, svc.dir, "src/db/migrations/index.ts");
    if (!existsSync(index)) {
      say(`schema     ${svc.schema.padEnd(13)} skipped: ${svc.dir} is not in this build`);
      continue;
    }
    const role = roleOf(svc.schema);
    const password = passwords[svc.name];
    await provisionServiceSchema(dbUrl(), { schema: svc.schema, role, ...(password ? { password } : {}) });
    for (const ext of svc.extensions ?? [])
      await adminQuery(`create extension if not exists ${ext} with schema ${svc.schema}`);
    const mod = (await import(pathToFileURL(index).href)) as { migrations: Record<string, Migration> };
    const db = createDb<unknown>({ url: dbUrl(role, password), schema: svc.schema, max: 1 });
    try {
      const applied = (await migrate(db, svc.schema, mod.migrations)).filter((r) => r.status === "Success");
      say(
        `schema     ${svc.schema.padEnd(13)} role ${role.padEnd(18)} ${applied.length ? `${applied.length} migration(s) applied` : "up to date"}`,
      );
    } finally {
      await db.destroy();
    }
  }
}

async function streams() {
  const bus = await connectBus({
    url: env.NATS_URL ?? "nats://127.0.0.1:4222",
    name: "arte-setup",
    prefix: env.NATS_PREFIX ?? "",
    user: env.NATS_USER,
    pass: env.NATS_PASSWORD,
  });
  try {
    await ensureStreams(bus, STREAMS, replicas);
    say(`streams    ${[...STREAMS.map((s) => s.name), "DLQ"].join(", ")} (R${replicas})`);
    let n = 0;
    for (const sub of SUBSCRIPTIONS)
      for (const event of sub.events) {
        await ensureConsumer(bus, event, {
          stream: sub.stream,
          durable: durableName(sub.service, event.shape.type.value),
        });
        n++;
      }
    say(`consumers  ${n} durable consumer(s) (replicas follow their stream)`);
  } finally {
    await bus.close();
  }
}

async function firstAdmin() {
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) return;
  const mod = (await import(
    pathToFileURL(resolve(ROOT, "services/users/src/modules/admin/bootstrap.ts")).href
  )) as {
    ensureFirstAdmin: (
      db: unknown,
      a: { email: string; password: string; username: string },
    ) => Promise<{ created: boolean }>;
  };
  const db = createDb<unknown>({ url: dbUrl(roleOf("users"), passwords.users), schema: "users", max: 1 });
  try {
    const r = await mod.ensureFirstAdmin(db, {
      email: env.ADMIN_EMAIL,
      password: env.ADMIN_PASSWORD,
      username: "Administrator",
    });
    say(`admin      ${env.ADMIN_EMAIL} ${r.created ? "created" : "already exists"}`);
  } finally {
    await db.destroy();
  }
}

await databases();
await streams();
await firstAdmin();
say("done");
