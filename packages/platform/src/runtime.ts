import type { StreamSpec } from "@arte/contracts";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { createTokenVerifier, type TokenVerifier } from "./auth/tokens.js";
import { type Bus, connectBus, ensureStreams } from "./bus/bus.js";
import type { BaseEnv } from "./config.js";
import { createDb } from "./db/index.js";
import type { ReadinessCheck } from "./http/app.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { createRedis, type Redis } from "./redis.js";

export type Runtime<DB> = {
  service: string;
  config: BaseEnv;
  log: Logger;
  metrics: Metrics;
  db: Kysely<DB>;
  bus: Bus;
  redis: Redis | null;
  verifier: TokenVerifier;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
};

/**
 * Connects what a service process needs, from its parsed config: logger, metrics, its schema's pool,
 * NATS (ensuring the streams it produces), Redis when asked, and the access-token verifier.
 */
export async function createRuntime<DB>(opts: {
  service: string;
  schema: string;
  config: BaseEnv;
  streams?: StreamSpec[];
  redis?: boolean;
  dbPoolSize?: number;
}): Promise<Runtime<DB>> {
  const { config } = opts;
  const log = createLogger({ service: opts.service, instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
  const metrics = createMetrics(opts.service, config.INSTANCE_ID);
  const db = createDb<DB>({
    url: config.DATABASE_URL,
    schema: opts.schema,
    max: opts.dbPoolSize ?? config.DB_POOL_SIZE,
    applicationName: `${opts.service}:${config.INSTANCE_ID}`,
  });
  const bus = await connectBus({
    url: config.NATS_URL,
    name: `${opts.service}:${config.INSTANCE_ID}`,
    prefix: config.NATS_PREFIX,
    user: config.NATS_USER,
    pass: config.NATS_PASSWORD,
    log,
  });
  if (opts.streams?.length) await ensureStreams(bus, opts.streams);
  const redis = opts.redis ? createRedis(config.REDIS_URL, config.REDIS_PREFIX, log) : null;
  const verifier = createTokenVerifier({
    jwks: JSON.parse(config.AUTH_JWKS),
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
  });
  const readiness: ReadinessCheck[] = [
    { name: "postgres", check: () => sql`select 1`.execute(db) },
    {
      name: "nats",
      check: async () => {
        if (bus.nc.isClosed()) throw new Error("closed");
        await bus.nc.flush();
      },
    },
  ];
  if (redis) readiness.push({ name: "redis", check: () => redis.ping() });
  return {
    service: opts.service,
    config,
    log,
    metrics,
    db,
    bus,
    redis,
    verifier,
    readiness,
    async close() {
      await bus.close();
      await db.destroy();
      redis?.disconnect();
    },
  };
}
