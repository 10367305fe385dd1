import {
  connectBus,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  onShutdown,
} from "@arte/platform";
import { buildGateway } from "./app.js";
import { parseConfig } from "./config.js";

const config = parseConfig();
const log = createLogger({ service: "gateway", instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
const redis = createRedis(config.REDIS_URL, config.REDIS_PREFIX, log);
const verifier = createTokenVerifier({
  jwks: JSON.parse(config.AUTH_JWKS),
  issuer: config.AUTH_ISSUER,
  audience: config.AUTH_AUDIENCE,
});

// NATS carries the live feed: this instance's own tail of the AUCTION stream, and catch-up RPCs.
const bus = await connectBus({
  url: config.NATS_URL,
  name: `gateway:${config.INSTANCE_ID}`,
  prefix: config.NATS_PREFIX,
  user: config.NATS_USER,
  pass: config.NATS_PASSWORD,
  log,
});

const app = await buildGateway({
  config,
  log,
  redis,
  verifier,
  bus,
  metrics: createMetrics("gateway", config.INSTANCE_ID),
});
await app.listen({ host: config.HOST, port: config.PORT });
log.info({ upstreams: config.upstreams, port: config.PORT }, "gateway listening");

onShutdown(log, [
  // Stops accepting connections, answers 503 to new requests on kept-alive ones, waits for in-flight ones.
  { name: "http", run: () => app.close() }, // live sockets are told to reconnect elsewhere (1012)
  { name: "nats", run: () => bus.close() },
  { name: "redis", run: () => redis.quit() },
]);
