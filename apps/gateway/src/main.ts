import { createLogger, createMetrics, createRedis, createTokenVerifier, onShutdown } from "@arte/platform";
import { buildGateway } from "./app.js";
import { parseConfig } from "./config.js";

const config = parseConfig();
const log = createLogger({ service: "gateway", instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
const redis = createRedis(config.REDIS_URL, config.REDIS_PREFIX);
const verifier = createTokenVerifier({
  jwks: JSON.parse(config.AUTH_JWKS),
  issuer: config.AUTH_ISSUER,
  audience: config.AUTH_AUDIENCE,
});

const app = await buildGateway({
  config,
  log,
  redis,
  verifier,
  metrics: createMetrics("gateway", config.INSTANCE_ID),
});
await app.listen({ host: config.HOST, port: config.PORT });
log.info({ upstreams: config.upstreams, port: config.PORT }, "gateway listening");

onShutdown(log, [
  // Stops accepting connections, answers 503 to new requests on kept-alive ones, waits for in-flight ones.
  { name: "http", run: () => app.close() },
  { name: "redis", run: () => redis.quit() },
]);
