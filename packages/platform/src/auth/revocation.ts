import type { Redis } from "ioredis";
import type { VerifiedToken } from "./tokens.js";

/**
 * Ended sessions, shared by the user service (which writes) and the gateway (which reads on every
 * authenticated request). A key lives as long as the longest access token could, then expires:
 * after that the token has expired anyway. Keys: `<prefix>auth:sid-revoked:<sid>`.
 */
export function createRevocationStore(redis: Redis, opts: { accessTtlSeconds: number }) {
  const key = (sid: string) => `auth:sid-revoked:${sid}`;
  return {
    async revoke(sids: string[]) {
      if (sids.length === 0) return;
      const tx = redis.multi();
      for (const sid of sids) tx.set(key(sid), "1", "EX", opts.accessTtlSeconds + 60);
      await tx.exec();
    },
    async isRevoked(token: Pick<VerifiedToken, "sid">): Promise<boolean> {
      return (await redis.exists(key(token.sid))) === 1;
    },
  };
}
export type RevocationStore = ReturnType<typeof createRevocationStore>;
