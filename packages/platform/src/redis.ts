import { Redis } from "ioredis";

/** A Redis client whose keys all carry the deployment prefix (`arte:` by default). */
export function createRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, { keyPrefix, maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}
export type { Redis };
