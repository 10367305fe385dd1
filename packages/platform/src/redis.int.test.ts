import { describe, expect, it } from "vitest";
import type { Logger } from "./logger.js";
import { createRedis } from "./redis.js";

describe("createRedis", () => {
  it("logs connection errors through the service's logger, at most once per 10 s", async () => {
    const warnings: unknown[] = [];
    const log = { warn: (o: unknown) => warnings.push(o), info: () => {} } as unknown as Logger;
    // Nothing listens on port 1: every connection attempt fails.
    const redis = createRedis("redis://127.0.0.1:1", "test:", log);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect(warnings).toHaveLength(1);
      expect(String((warnings[0] as { err: Error }).err)).toMatch(/ECONNREFUSED/);
    } finally {
      redis.disconnect();
    }
  });
});
