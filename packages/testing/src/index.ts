import { randomBytes } from "node:crypto";
import {
  createLogger,
  createRedis,
  createTokenSigner,
  createTokenVerifier,
  generateSigningKey,
} from "@arte/platform";

export * from "./bus.js";
export * from "./db.js";
export * from "./smtp.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A logger that writes nothing unless TEST_LOG_LEVEL is set. */
export const testLogger = (service = "test") =>
  createLogger({ service, instance: "test", level: process.env.TEST_LOG_LEVEL ?? "silent" });

/** A Redis client with a key prefix of its own; `destroy()` deletes its keys. */
export function createTestRedis(prefix = `test:${randomBytes(4).toString("hex")}:`) {
  const redis = createRedis(REDIS_URL, prefix);
  return {
    redis,
    prefix,
    async destroy() {
      const raw = createRedis(REDIS_URL, "");
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length) await raw.del(...keys);
      raw.disconnect();
      redis.disconnect();
    },
  };
}

/** A signing key pair, a signer and a verifier, as the user service and every other service hold them. */
export async function createTestKeys(opts: { issuer?: string; audience?: string; ttlSeconds?: number } = {}) {
  const issuer = opts.issuer ?? "arte-moderni";
  const audience = opts.audience ?? "arte-moderni";
  const { privateJwk, jwks } = await generateSigningKey();
  const signer = await createTokenSigner({
    privateJwk,
    issuer,
    audience,
    ttlSeconds: opts.ttlSeconds ?? 900,
  });
  const verifier = createTokenVerifier({ jwks, issuer, audience });
  return { privateJwk, jwks, signer, verifier, issuer, audience };
}

/** Polls until `fn` returns a truthy value or the time is up. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}
