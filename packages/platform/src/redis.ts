import { Redis } from "ioredis";
import type { Logger } from "./logger.js";

/**
 * A Redis client whose keys all carry the deployment prefix (`arte:` by default). With a logger, its
 * connection errors are logged (at most one line per 10 s) instead of ioredis's unstructured
 * "Unhandled error event" on stderr; the client reconnects by itself either way.
 */
export function createRedis(url: string, keyPrefix: string, log?: Logger): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  if (log) {
    let lastLogged = 0;
    let suppressed = 0;
    redis.on("error", (err: Error) => {
      const now = Date.now();
      if (now - lastLogged < 10_000) {
        suppressed++;
        return;
      }
      log.warn({ err, suppressed }, "redis connection error; reconnecting");
      lastLogged = now;
      suppressed = 0;
    });
    redis.on("ready", () => {
      if (lastLogged) log.info("redis connection ready again");
    });
  }
  return redis;
}
export type { Redis };
