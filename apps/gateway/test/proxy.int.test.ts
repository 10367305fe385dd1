import { Readable } from "node:stream";
import type { Logger } from "@arte/platform";
import { createTestKeys } from "@arte/testing";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Keys,
  refusedUrl,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from "./harness.js";

let keys: Keys;
let a: Upstream;
let b: Upstream;
let lab: Upstream;
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  keys = await createTestKeys();
  [a, b, lab] = await Promise.all([startUpstream("a"), startUpstream("b"), startUpstream("lab")]);
  const [down1, down2] = await Promise.all([refusedUrl(), refusedUrl()]);
  gw = await startGateway({
    keys,
    env: {
      UPSTREAM_USERS: `${a.url},${b.url}`,
      UPSTREAM_LAB: `${down1},${lab.url}`,
      UPSTREAM_VAULT: `${down1},${down2}`,
      UPSTREAM_BANK: b.url,
      BODY_LIMIT_BYTES: "4096",
    },
  });
  token = await keys.signer.sign({
    sub: crypto.randomUUID(),
    role: "USER",
    sid: crypto.randomUUID(),
    ev: true,
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([a?.close(), b?.close(), lab?.close()]);
});
beforeEach(() => {
  for (const u of [a, b, lab]) u.hits.length = 0;
});

const hitCount = () => a.hits.length + b.hits.length + lab.hits.length;

describe("proxying", () => {
  it("strips /api/<service>, keeps the query string and forwards the Authorization header", async () => {
    const res = await gw.app.inject({
      method: "GET",
      url: "/api/users/v1/me?fields=a%20b&x=1&x=2",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const echo = res.json();
    expect(echo.url).toBe("/v1/me?fields=a%20b&x=1&x=2");
    expect(echo.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("spreads requests over the instances round-robin", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = await gw.app.inject({ method: "GET", url: "/api/users/.well-known/jwks.json" });
      expect(res.statusCode).toBe(200);
      seen.add(res.json().instance);
    }
    expect(seen).toEqual(new Set(["a", "b"]));
  });

  it("moves on to the next instance when one refuses the connection, body intact", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await gw.app.inject({
        method: "POST",
        url: "/api/lab/v1/uploads",
        headers: { "content-type": "application/json" },
        payload: { n: i },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ instance: "lab", body: JSON.stringify({ n: i }) });
    }
  });

  it("answers 503 in the one error shape when every instance refuses", async () => {
    const res = await gw.app.inject({ method: "GET", url: "/api/vault/v1/ping" });
    expect(res.statusCode).toBe(503);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({
      status: 503,
      code: "SERVICE_UNAVAILABLE",
      requestId: res.headers["x-request-id"],
      error: { code: "SERVICE_UNAVAILABLE" },
    });
  });

  it("passes the request id, client address and protocol, and sets x-request-id on the answer", async () => {
    const res = await gw.app.inject({
      method: "GET",
      url: "/api/users/.well-known/jwks.json",
      headers: { "x-request-id": "client-req-42", "x-forwarded-for": "203.0.113.9" },
    });
    const echo = res.json();
    expect(res.headers["x-request-id"]).toBe("client-req-42");
    expect(echo.headers["x-request-id"]).toBe("client-req-42");
    expect(echo.headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(echo.headers["x-forwarded-proto"]).toBe("http");
  });

  it("deletes every client-sent identity header before proxying", async () => {
    const forged = {
      "x-user-id": "1",
      "x-user-role": "ADMIN",
      userid: "1",
      role: "ADMIN",
      "x-auth-user": "admin",
      "x-auth-request-email": "a@b.c",
      "x-forwarded-user": "admin",
      "x-forwarded-email": "a@b.c",
      "x-remote-user": "admin",
      "x-authenticated-userid": "1",
    };
    for (const url of ["/api/users/.well-known/jwks.json", "/api/users/v1/me"]) {
      const res = await gw.app.inject({
        method: "GET",
        url,
        headers: { ...forged, authorization: `Bearer ${token}`, "user-agent": "vitest" },
      });
      expect(res.statusCode).toBe(200);
      const received = Object.keys(res.json().headers);
      for (const h of Object.keys(forged)) expect(received).not.toContain(h);
      expect(res.json().headers["user-agent"]).toBe("vitest");
    }
  });

  it("passes a service's problem+json body and its Set-Cookie headers through unchanged", async () => {
    const bad = await gw.app.inject({
      method: "POST",
      url: "/api/users/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: '{"email": "a@b.c",',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toBe("application/problem+json");
    expect(bad.json()).toMatchObject({ code: "MALFORMED_JSON", status: 400 });
    expect(bad.json().from).toMatch(/^[ab]$/);
    expect(bad.headers["access-control-allow-origin"]).toBeUndefined(); // CORS is the gateway's alone

    const ok = await gw.app.inject({
      method: "POST",
      url: "/api/users/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: { email: "a@b.c", password: "x" },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["set-cookie"]).toEqual([
      "refresh_token=rt1; HttpOnly; Path=/api/users/v1/auth",
      "other=2; Path=/",
    ]);
  });

  it("streams a request body of any content type to the service byte for byte", async () => {
    const payload = "x".repeat(4000);
    const res = await gw.app.inject({
      method: "POST",
      url: "/api/lab/v1/uploads",
      headers: { "content-type": "application/octet-stream" },
      payload,
    });
    expect(res.json()).toMatchObject({ bodyLength: 4000, body: payload });
  });

  it("refuses a body over the limit with 413 and never reaches the service", async () => {
    const big = await gw.app.inject({
      method: "POST",
      url: "/api/lab/v1/uploads",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ s: "x".repeat(5000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      status: 413,
      error: { code: "PAYLOAD_TOO_LARGE" },
    });
    expect(hitCount()).toBe(0);
  });

  it("refuses a chunked body that grows over the limit with 413", async () => {
    const res = await gw.app.inject({
      method: "POST",
      url: "/api/lab/v1/uploads",
      headers: { "content-type": "application/octet-stream", "transfer-encoding": "chunked" },
      payload: Readable.from([Buffer.alloc(3000, 1), Buffer.alloc(3000, 2)]),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("takes a client that hangs up before the answer calmly: an info line, no error", async () => {
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: "debug" }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const patient = await startGateway({
      keys,
      env: { UPSTREAM_LAB: lab.url, PROXY_TIMEOUT_MS: "5000" },
      log: log as unknown as Logger,
    });
    try {
      const url = await patient.app.listen({ host: "127.0.0.1", port: 0 });
      const gone = new AbortController();
      const req = fetch(`${url}/api/lab/v1/slow`, { signal: gone.signal }).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 300));
      gone.abort();
      expect(await req).toBeInstanceOf(Error);
      await new Promise((r) => setTimeout(r, 2200)); // past the upstream's answer
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(lines.some((l) => l.msg === "client closed the request")).toBe(true);
    } finally {
      await patient.close();
    }
  });

  it("answers 504 when the service does not answer in time", async () => {
    const res = await gw.app.inject({ method: "GET", url: "/api/lab/v1/slow" });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ code: "GATEWAY_TIMEOUT", status: 504 });
  });
});

describe("routing", () => {
  it("answers 404 for an unknown service, without proxying", async () => {
    const res = await gw.app.inject({ method: "GET", url: "/api/nope/v1/me" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ code: "NOT_FOUND", requestId: res.headers["x-request-id"] });
    // An upstream without operations in the contracts is not reachable either.
    const bank = await gw.app.inject({ method: "GET", url: "/api/bank/v1/anything" });
    expect(bank.statusCode).toBe(404);
    expect(hitCount()).toBe(0);
  });

  it.each([
    ["GET", "/api/users/v1/nothing-here"],
    ["DELETE", "/api/users/v1/me"],
    ["GET", "/api/users/v1/auth/login/../admin/users"],
    ["GET", "/api/users/v1/auth/login/%2e%2e/admin/users"],
    ["GET", "/api/users/v1/admin/usersX"],
    ["GET", "/api/users/v1/admin/users/"],
    ["POST", "/api/users/v1/auth/login/x"],
    ["POST", "/api/users/x/v1/auth/login"],
    ["GET", "/api/users//.well-known/jwks.json"],
  ])("answers 404 for %s %s without reaching any instance", async (method, url) => {
    const res = await gw.app.inject({
      method: method as "GET",
      url,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("NOT_FOUND");
    expect(hitCount()).toBe(0);
  });

  it("never answers an error with status 200", async () => {
    const res = await gw.app.inject({ method: "GET", url: "/api/users/v1/admin/users" });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });
});
