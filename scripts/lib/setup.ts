import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { durableName, STREAMS, SUBSCRIPTIONS } from "@arte/contracts";
import {
  connectBus,
  createDb,
  createLogger,
  ensureConsumer,
  ensureStreams,
  generateSigningKey,
  migrate,
  provisionDatabase,
  provisionServiceSchema,
} from "@arte/platform";
import type { Migration } from "kysely";
import pg from "pg";
import type { Say } from "./infra.js";
import { roleOf, SERVICES } from "./services.js";

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "../..");

/** The connection string of `database` for `user` on the admin URL's server. */
export function dbUrl(adminUrl: string, database: string, user?: string) {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user;
    u.password = "";
  }
  return u.toString();
}

/**
 * Creates the database, one schema and one role per service (the role limited to its schema), and
 * applies each service's migrations as that role, so the role owns its tables.
 */
export async function migrateAll(opts: { adminUrl: string; database: string; say: Say }) {
  await provisionDatabase(opts.adminUrl, opts.database);
  const adminDbUrl = dbUrl(opts.adminUrl, opts.database);
  for (const svc of SERVICES) {
    if (!svc.schema) continue;
    const role = roleOf(svc.schema);
    await provisionServiceSchema(adminDbUrl, { schema: svc.schema, role });
    for (const ext of svc.extensions ?? []) {
      // Extensions need a superuser; the service's role then uses them inside its own schema.
      await adminQuery(adminDbUrl, `create extension if not exists ${ext} with schema ${svc.schema}`);
    }
    const mod = (await import(pathToFileURL(resolve(ROOT, svc.dir, "src/db/migrations/index.ts")).href)) as {
      migrations: Record<string, Migration>;
    };
    const db = createDb<unknown>({
      url: dbUrl(opts.adminUrl, opts.database, role),
      schema: svc.schema,
      max: 1,
    });
    try {
      const results = await migrate(db, svc.schema, mod.migrations);
      const applied = results.filter((r) => r.status === "Success").length;
      opts.say(
        `schema     ${svc.schema.padEnd(13)} role ${role.padEnd(18)} ${applied ? `${applied} migration(s) applied` : "up to date"}`,
      );
    } finally {
      await db.destroy();
    }
  }
}

/** Creates or updates every JetStream stream (and the dead-letter stream) and the durable consumers. */
export async function createStreams(opts: { natsUrl: string; prefix: string; say: Say }) {
  const bus = await connectBus({ url: opts.natsUrl, name: "arte-setup", prefix: opts.prefix });
  try {
    await ensureStreams(bus, STREAMS);
    opts.say(`streams    ${[...STREAMS.map((s) => s.name), "DLQ"].join(", ")}`);
    let n = 0;
    for (const sub of SUBSCRIPTIONS) {
      for (const event of sub.events) {
        await ensureConsumer(bus, event, {
          stream: sub.stream,
          durable: durableName(sub.service, event.shape.type.value),
        });
        n++;
      }
    }
    opts.say(`consumers  ${n} durable consumer(s)`);
  } finally {
    await bus.close();
  }
}

/**
 * The access-token signing key: from AUTH_PRIVATE_JWK / AUTH_JWKS when set, else generated once and
 * kept in the data directory (never committed).
 */
export async function signingKeys(dataDir: string, env: NodeJS.ProcessEnv) {
  if (env.AUTH_PRIVATE_JWK && env.AUTH_JWKS) return { privateJwk: env.AUTH_PRIVATE_JWK, jwks: env.AUTH_JWKS };
  const file = resolve(dataDir, "keys/auth-signing.json");
  if (!existsSync(file)) {
    const k = await generateSigningKey();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ privateJwk: k.privateJwk, jwks: k.jwks }), { mode: 0o600 });
  }
  const k = JSON.parse(readFileSync(file, "utf8"));
  return { privateJwk: JSON.stringify(k.privateJwk), jwks: JSON.stringify(k.jwks) };
}

/** Creates the first admin when there is none. The password comes from the env or is generated. */
export async function firstAdmin(opts: { adminUrl: string; database: string; env: NodeJS.ProcessEnv }) {
  const email = opts.env.ADMIN_EMAIL ?? "admin@arte-moderni.local";
  const password = opts.env.ADMIN_PASSWORD ?? `Admin-${randomBytes(9).toString("base64url")}1`;
  const mod = (await import(
    pathToFileURL(resolve(ROOT, "services/users/src/modules/admin/bootstrap.ts")).href
  )) as {
    ensureFirstAdmin: (
      db: unknown,
      a: { email: string; password: string; username: string },
    ) => Promise<{ created: boolean }>;
  };
  const db = createDb<unknown>({
    url: dbUrl(opts.adminUrl, opts.database, roleOf("users")),
    schema: "users",
    max: 1,
  });
  try {
    const r = await mod.ensureFirstAdmin(db, { email, password, username: "Administrator" });
    return { ...r, email, password: opts.env.ADMIN_PASSWORD ? "(from ADMIN_PASSWORD)" : password };
  } finally {
    await db.destroy();
  }
}

/**
 * Each service's secret for signed requests (ADR 0006): from SERVICE_SECRETS (JSON) when set, else
 * generated once into the data directory. The bank gets the map of its callers as RPC_CALLERS.
 */
export function serviceSecrets(
  dataDir: string,
  names: string[],
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  if (env.SERVICE_SECRETS) return JSON.parse(env.SERVICE_SECRETS) as Record<string, string>;
  const file = resolve(dataDir, "keys/service-secrets.json");
  const known: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  let changed = false;
  for (const n of names) {
    if (!known[n]) {
      known[n] = randomBytes(32).toString("base64url");
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(known), { mode: 0o600 });
  }
  return known;
}

async function adminQuery(url: string, query: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

/**
 * Demo data on the first run (each seed does nothing when its data exists): artists and artworks with
 * generated images in the catalog.
 */
export async function seedDemoData(opts: { adminUrl: string; database: string; blobDir: string; say: Say }) {
  const catalog = (await import(pathToFileURL(resolve(ROOT, "services/catalog/src/index.ts")).href)) as {
    seedDemo: (deps: {
      db: unknown;
      blobs: unknown;
      log: unknown;
    }) => Promise<{ artists: number; artworks: number; skipped: boolean }>;
    createFsBlobStore: (o: { root: string }) => unknown;
  };
  const db = createDb<unknown>({
    url: dbUrl(opts.adminUrl, opts.database, roleOf("catalog")),
    schema: "catalog",
    max: 2,
  });
  try {
    const r = await catalog.seedDemo({
      db,
      blobs: catalog.createFsBlobStore({ root: opts.blobDir }),
      log: createLogger({ service: "seed", instance: "launcher", level: "warn" }),
    });
    opts.say(
      r.skipped
        ? "demo       catalog already has artworks"
        : `demo       ${r.artists} artists, ${r.artworks} artworks with generated images`,
    );
  } finally {
    await db.destroy();
  }
}
