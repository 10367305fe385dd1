import { randomUUID } from "node:crypto";
import { createTestKeys, createTestRedis, testLogger } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp, type HttpApp } from "../http/app.js";
import { authPlugin, caller } from "./plugin.js";
import { createRevocationStore, type RevocationStore } from "./revocation.js";

let app: HttpApp;
let keys: Awaited<ReturnType<typeof createTestKeys>>;
let tredis: ReturnType<typeof createTestRedis>;
let store: RevocationStore;

beforeAll(async () => {
  keys = await createTestKeys();
  tredis = createTestRedis();
  store = createRevocationStore(tredis.redis, { accessTtlSeconds: 900 });
  app = createHttpApp({ service: "ptest", instance: "i1", logger: testLogger() });
  await app.register(authPlugin, { verifier: keys.verifier, isRevoked: (t) => store.isRevoked(t) });
  app.get("/me", { onRequest: app.authenticate }, async (req) => ({ sub: caller(req).sub }));
  app.get("/maybe", { onRequest: app.authenticateOptional }, async (req) => ({ sub: req.auth?.sub ?? null }));
  app.get("/admin", { onRequest: app.requireRole("ADMIN") }, async () => ({ ok: true }));
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await tredis?.destroy();
});

const get = (url: string, token?: string) =>
  app.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("authPlugin + revocation store", () => {
  it("lets a valid token through and refuses a missing one with WWW-Authenticate", async () => {
    const sub = randomUUID();
    const token = await keys.signer.sign({ sub, role: "USER", sid: randomUUID(), ev: true });
    const ok = await get("/me", token);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ sub });

    const none = await get("/me");
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe("UNAUTHENTICATED");
    expect(none.headers["www-authenticate"]).toBe("Bearer");
    expect((await get("/maybe")).json()).toEqual({ sub: null });
    expect((await get("/maybe", "garbage.token.value")).json().code).toBe("TOKEN_INVALID");
  });

  it("refuses a token whose session was revoked, and only that session", async () => {
    const sid = randomUUID();
    const token = await keys.signer.sign({ sub: randomUUID(), role: "USER", sid, ev: true });
    const other = await keys.signer.sign({ sub: randomUUID(), role: "USER", sid: randomUUID(), ev: true });
    expect((await get("/me", token)).statusCode).toBe(200);

    await store.revoke([sid]);
    const refused = await get("/me", token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe("TOKEN_INVALID");
    expect((await get("/me", other)).statusCode).toBe(200);
    const ttl = await tredis.redis.ttl(`auth:sid-revoked:${sid}`);
    expect(ttl).toBeGreaterThan(900);
    expect(ttl).toBeLessThanOrEqual(960);
  });

  it("requires the role: 403 FORBIDDEN for a USER on an ADMIN route", async () => {
    const user = await keys.signer.sign({ sub: randomUUID(), role: "USER", sid: randomUUID(), ev: true });
    const admin = await keys.signer.sign({ sub: randomUUID(), role: "ADMIN", sid: randomUUID(), ev: true });
    const res = await get("/admin", user);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("FORBIDDEN");
    expect((await get("/admin", admin)).statusCode).toBe(200);
  });
});
