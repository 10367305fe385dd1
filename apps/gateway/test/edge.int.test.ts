import { SERVICE_OPERATIONS } from "@arte/contracts";
import { createTestKeys } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Keys,
  refusedUrl,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from "./harness.js";

let keys: Keys;
let users: Upstream;
let gw: TestGateway;

const ORIGIN = "https://app.arte.example";

beforeAll(async () => {
  keys = await createTestKeys();
  users = await startUpstream("users");
  gw = await startGateway({
    keys,
    metrics: true,
    env: {
      UPSTREAM_USERS: users.url,
      UPSTREAM_VAULT: await refusedUrl(),
      CORS_ORIGINS: `${ORIGIN}, https://admin.arte.example`,
      RATE_LIMIT_DEFAULT: "5",
      RATE_LIMIT_AUTH: "2",
      RATE_LIMIT_EMAIL: "1",
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await users?.close();
});

type Opts = { ip?: string; token?: string; method?: "GET" | "POST"; payload?: unknown };
const call = (url: string, o: Opts = {}) =>
  gw.app.inject({
    method: o.method ?? "GET",
    url,
    remoteAddress: o.ip ?? "198.51.100.1",
    headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
    ...(o.payload !== undefined ? { payload: o.payload as object } : {}),
  });
const sign = () =>
  keys.signer.sign({ sub: crypto.randomUUID(), role: "USER", sid: crypto.randomUUID(), ev: true });

describe("rate limits (Redis)", () => {
  it("limits anonymous callers per IP and answers 429 with Retry-After in the error shape", async () => {
    for (let i = 0; i < 5; i++)
      expect((await call("/api/users/.well-known/jwks.json", { ip: "10.0.0.1" })).statusCode).toBe(200);
    const limited = await call("/api/users/.well-known/jwks.json", { ip: "10.0.0.1" });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.headers["content-type"]).toContain("application/problem+json");
    expect(limited.json()).toMatchObject({
      status: 429,
      code: "RATE_LIMITED",
      error: { code: "RATE_LIMITED" },
    });
    // Another address has its own budget.
    expect((await call("/api/users/.well-known/jwks.json", { ip: "10.0.0.2" })).statusCode).toBe(200);
  });

  it("limits signed-in callers per user, not per IP", async () => {
    const [alice, bob] = await Promise.all([sign(), sign()]);
    for (let i = 0; i < 5; i++)
      expect((await call("/api/users/v1/me", { ip: "10.0.1.1", token: alice })).statusCode).toBe(200);
    expect((await call("/api/users/v1/me", { ip: "10.0.1.1", token: alice })).statusCode).toBe(429);
    expect((await call("/api/users/v1/me", { ip: "10.0.1.1", token: bob })).statusCode).toBe(200);
    expect((await call("/api/users/.well-known/jwks.json", { ip: "10.0.1.1" })).statusCode).toBe(200);
    // Alice from another address is still Alice.
    expect((await call("/api/users/v1/me", { ip: "10.0.1.2", token: alice })).statusCode).toBe(429);
  });

  it("applies the stricter auth class per IP on login, apart from the default budget", async () => {
    const login = (ip: string) =>
      call("/api/users/v1/auth/login", { ip, method: "POST", payload: { email: "a@b.c", password: "pw" } });
    expect((await login("10.0.2.1")).statusCode).toBe(200);
    expect((await login("10.0.2.1")).statusCode).toBe(200);
    const limited = await login("10.0.2.1");
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe("RATE_LIMITED");
    expect((await call("/api/users/.well-known/jwks.json", { ip: "10.0.2.1" })).statusCode).toBe(200);
    expect((await login("10.0.2.2")).statusCode).toBe(200);
  });

  it("applies the strictest email class on operations that send email", async () => {
    const ask = () =>
      call("/api/users/v1/email-verifications", {
        ip: "10.0.3.1",
        method: "POST",
        payload: { email: "a@b.c" },
      });
    expect((await ask()).statusCode).toBe(200);
    expect((await ask()).statusCode).toBe(429);
  });

  it("keeps its counters under the deployment's Redis prefix", async () => {
    const keys = await gw.redis.keys(`${gw.redisPrefix}gateway:rl:*`); // KEYS patterns are not prefixed
    expect(keys.length).toBeGreaterThan(0);
  });
});

describe("browser-facing headers", () => {
  it("gives CORS headers to an allowlisted origin only", async () => {
    const ok = await gw.app.inject({ method: "GET", url: "/api/time", headers: { origin: ORIGIN } });
    expect(ok.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(ok.headers["access-control-allow-credentials"]).toBe("true");
    expect(String(ok.headers["access-control-expose-headers"])).toContain("x-request-id");

    const preflight = await gw.app.inject({
      method: "OPTIONS",
      url: "/api/users/v1/me",
      headers: { origin: ORIGIN, "access-control-request-method": "PATCH" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(String(preflight.headers["access-control-allow-methods"])).toContain("PATCH");

    const evil = await gw.app.inject({
      method: "GET",
      url: "/api/time",
      headers: { origin: "https://evil.example" },
    });
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined();
    expect(evil.headers["access-control-allow-credentials"]).toBeUndefined();
    const evilPreflight = await gw.app.inject({
      method: "OPTIONS",
      url: "/api/users/v1/me",
      headers: { origin: "https://evil.example", "access-control-request-method": "PATCH" },
    });
    expect(evilPreflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(evilPreflight.headers["access-control-allow-methods"]).toBeUndefined();
  });

  it("sets security headers on every answer, proxied ones included", async () => {
    for (const url of ["/api/time", "/api/users/.well-known/jwks.json", "/"]) {
      const res = await call(url, { ip: "10.0.4.1" });
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(res.headers["strict-transport-security"]).toBeDefined();
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
  });
});

describe("documentation", () => {
  it("serves an OpenAPI 3.1 document listing every users operation under /api/users", async () => {
    const res = await call("/api/openapi.json", { ip: "10.0.5.1" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    for (const op of Object.values(SERVICE_OPERATIONS.users!)) {
      const path = `/api/users${op.path.replaceAll(/:(\w+)/g, "{$1}")}`;
      const entry = doc.paths[path]?.[op.method.toLowerCase()];
      expect(entry, `${op.method} ${path}`).toBeDefined();
      expect(entry.operationId).toBe(`users.${op.id}`);
      expect(entry.security).toEqual(op.access === "public" ? [] : [{ bearer: [] }]);
    }
    const login = doc.paths["/api/users/v1/auth/login"].post;
    expect(login.requestBody.content["application/json"].schema.properties).toHaveProperty("email");
    expect(login.responses["200"].content["application/json"].schema.properties).toHaveProperty(
      "accessToken",
    );
    const getUser = doc.paths["/api/users/v1/admin/users/{id}"].get;
    expect(getUser.parameters).toContainEqual(
      expect.objectContaining({ name: "id", in: "path", required: true }),
    );
    const list = doc.paths["/api/users/v1/admin/users"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toContain("limit");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves the docs UI at /api/docs", async () => {
    const res = await call("/api/docs", { ip: "10.0.5.1" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    const init = await call("/api/docs/static/swagger-initializer.js", { ip: "10.0.5.1" });
    expect(init.statusCode).toBe(200);
  });
});

describe("health, time and the web app", () => {
  it("answers /healthz for the gateway itself", async () => {
    const res = await call("/healthz");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok", service: "gateway" });
  });

  it("stays ready (degraded) while a configured service has no live instance, and says which", async () => {
    const res = await call("/readyz");
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("degraded");
    const { checks } = res.json();
    expect(checks.redis.ok).toBe(true);
    expect(checks["upstream:users"].ok).toBe(true);
    expect(checks["upstream:vault"]).toMatchObject({ ok: false, required: false });
    expect(checks["upstream:vault"].detail).toContain("ECONNREFUSED");
  });

  it("is ready when Redis and every service answer", async () => {
    const healthy = await startGateway({ keys, env: { UPSTREAM_USERS: users.url } });
    try {
      const res = await healthy.app.inject({ method: "GET", url: "/readyz" });
      expect(res.statusCode).toBe(200);
      expect(res.json().checks).toEqual({ redis: { ok: true }, "upstream:users": { ok: true } });
    } finally {
      await healthy.close();
    }
  });

  it("tells the time, for the client's clock offset", async () => {
    const before = Date.now();
    const res = await call("/api/time", { ip: "10.0.6.1" });
    const body = res.json();
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(body.epochMs).toBeGreaterThanOrEqual(before);
    expect(body.epochMs).toBeLessThanOrEqual(Date.now());
    expect(new Date(body.now).getTime()).toBe(body.epochMs);
  });

  it("serves the web app at / with a fallback to index.html for client-side routes", async () => {
    const home = await call("/", { ip: "10.0.7.1" });
    expect(home.statusCode).toBe(200);
    expect(home.headers["content-type"]).toContain("text/html");
    expect(home.body).toContain("Arte Moderni");
    const deep = await call("/lots/42?tab=bids", { ip: "10.0.7.1" });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain("Arte Moderni");
    const missingAsset = await call("/assets/nope.js", { ip: "10.0.7.1" });
    expect(missingAsset.statusCode).toBe(404);
    expect(missingAsset.json().code).toBe("NOT_FOUND");
    const api = await call("/api", { ip: "10.0.7.1" });
    expect(api.statusCode).toBe(404);
  });

  it("shows /metrics to the local scraper only", async () => {
    expect((await call("/metrics", { ip: "127.0.0.1" })).statusCode).toBe(200);
    expect((await call("/metrics", { ip: "203.0.113.7" })).statusCode).toBe(404);
  });
});
