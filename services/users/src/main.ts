import { USER_STREAM } from "@arte/contracts";
import { createOutboxRelay, createRuntime, createTokenSigner, loadConfig, onShutdown } from "@arte/platform";
import type { JWK } from "jose";
import { buildApp } from "./app.js";
import { UsersEnv } from "./config.js";
import { SCHEMA, type UsersDb } from "./db/schema.js";
import { deriveCodeKey } from "./lib/secrets.js";
import { createBankClient } from "./modules/bank-account/bank.client.js";

const config = loadConfig(UsersEnv);
const runtime = await createRuntime<UsersDb>({
  service: "users",
  schema: SCHEMA,
  config,
  streams: [USER_STREAM],
  redis: true,
});
const { log } = runtime;
const privateJwk = config.AUTH_PRIVATE_JWK as JWK;
const jwks = JSON.parse(config.AUTH_JWKS) as { keys: JWK[] };
if (!jwks.keys?.some((k) => k.kid === privateJwk.kid)) {
  throw new Error("AUTH_JWKS has no key with the kid of AUTH_PRIVATE_JWK: nobody could verify our tokens");
}
const signer = await createTokenSigner({
  privateJwk,
  issuer: config.AUTH_ISSUER,
  audience: config.AUTH_AUDIENCE,
  ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
});

// The bank answers only signed requests (ADR 0006): without our secret, the bank-account endpoints
// answer 503 BANK_UNAVAILABLE and everything else works.
const bank = config.SERVICE_SECRET
  ? createBankClient({
      bus: runtime.bus,
      credentials: { service: "users", secret: config.SERVICE_SECRET },
      log,
      timeoutMs: config.BANK_RPC_TIMEOUT_MS,
    })
  : undefined;
if (!bank) log.warn("SERVICE_SECRET is not set: the bank-account endpoints will answer 503 BANK_UNAVAILABLE");

const app = await buildApp({
  db: runtime.db,
  redis: runtime.redis!,
  log,
  signer,
  verifier: runtime.verifier,
  jwks,
  codeKey: deriveCodeKey(privateJwk),
  refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
  cookieSecure: config.COOKIE_SECURE,
  instance: config.INSTANCE_ID,
  metrics: runtime.metrics,
  readiness: runtime.readiness,
  bank,
  demoBank: { enabled: config.DEMO_BANK, openingBalance: config.DEMO_OPENING_BALANCE },
});
await app.listen({ host: config.HOST, port: config.PORT });

const relay = createOutboxRelay({
  db: runtime.db,
  bus: runtime.bus,
  log,
  metrics: runtime.metrics,
  listenUrl: config.DATABASE_URL,
  schema: SCHEMA,
});
await relay.start();

onShutdown(log, [
  { name: "http", run: () => app.close() },
  { name: "outbox relay", run: () => relay.stop() },
  { name: "runtime", run: () => runtime.close() },
]);
