import { createRevocationStore, createTokenSigner } from "@arte/platform";
import { createTestKeys } from "@arte/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Keys, startGateway, startUpstream, type TestGateway, type Upstream } from "./harness.js";

let keys: Keys;
let users: Upstream;
let gw: TestGateway;

const claims = (role: "USER" | "ADMIN" = "USER") => ({
  sub: crypto.randomUUID(),
  role,
  sid: crypto.randomUUID(),
  ev: true,
});
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

beforeAll(async () => {
  keys = await createTestKeys();
  users = await startUpstream("users");
  gw = await startGateway({ keys, env: { UPSTREAM_USERS: users.url } });
});
afterAll(async () => {
  await gw?.close();
  await users?.close();
});
beforeEach(() => {
  users.hits.length = 0;
});

const get = (url: string, authorization?: string) =>
  gw.app.inject({ method: "GET", url, headers: authorization ? { authorization } : {} });

function expectRefused(res: Awaited<ReturnType<typeof get>>, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  expect(res.json()).toMatchObject({ status, code, error: { code }, requestId: res.headers["x-request-id"] });
  expect(users.hits).toHaveLength(0);
}

describe("access tokens at the gateway", () => {
  it("lets anyone call a public operation without a token", async () => {
    const res = await get("/api/users/.well-known/jwks.json");
    expect(res.statusCode).toBe(200);
  });

  it("refuses a user operation without a token (401, Bearer challenge)", async () => {
    const res = await get("/api/users/v1/me");
    expectRefused(res, 401, "UNAUTHENTICATED");
    expect(res.headers["www-authenticate"]).toBe("Bearer");
  });

  it("passes a valid token to a user operation", async () => {
    const token = await keys.signer.sign(claims());
    const res = await get("/api/users/v1/me", `Bearer ${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().headers.authorization).toBe(`Bearer ${token}`);
  });

  it("refuses a tampered token", async () => {
    const [h, , s] = (await keys.signer.sign(claims())).split(".");
    const forged = `${h}.${b64url({ ...claims("ADMIN"), iss: keys.issuer, aud: keys.audience, exp: 9999999999, iat: 1, jti: "x" })}.${s}`;
    expectRefused(await get("/api/users/v1/me", `Bearer ${forged}`), 401, "TOKEN_INVALID");
  });

  it("refuses an expired token", async () => {
    const expired = await createTokenSigner({
      privateJwk: keys.privateJwk,
      issuer: keys.issuer,
      audience: keys.audience,
      ttlSeconds: -60,
    });
    expectRefused(
      await get("/api/users/v1/me", `Bearer ${await expired.sign(claims())}`),
      401,
      "TOKEN_EXPIRED",
    );
  });

  it("refuses an unsigned (alg none) token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64url({ alg: "none", typ: "at+jwt" })}.${b64url({
      ...claims("ADMIN"),
      iss: keys.issuer,
      aud: keys.audience,
      iat: now,
      exp: now + 600,
      jti: crypto.randomUUID(),
    })}.`;
    expectRefused(await get("/api/users/v1/me", `Bearer ${none}`), 401, "TOKEN_INVALID");
  });

  it("refuses a token signed with another key", async () => {
    const other = await createTestKeys();
    expectRefused(
      await get("/api/users/v1/me", `Bearer ${await other.signer.sign(claims())}`),
      401,
      "TOKEN_INVALID",
    );
  });

  it("refuses a token of an ended session (revoked sid in Redis)", async () => {
    const c = claims();
    const token = await keys.signer.sign(c);
    expect((await get("/api/users/v1/me", `Bearer ${token}`)).statusCode).toBe(200);
    users.hits.length = 0;
    await createRevocationStore(gw.redis, { accessTtlSeconds: 900 }).revoke([c.sid]);
    expectRefused(await get("/api/users/v1/me", `Bearer ${token}`), 401, "TOKEN_INVALID");
  });

  it("refuses a bad token even on a public operation", async () => {
    const other = await createTestKeys();
    expectRefused(
      await get("/api/users/.well-known/jwks.json", `Bearer ${await other.signer.sign(claims())}`),
      401,
      "TOKEN_INVALID",
    );
    expectRefused(await get("/api/users/.well-known/jwks.json", "Basic dXNlcjpwYXNz"), 401, "TOKEN_INVALID");
  });

  it("refuses a USER on an admin operation (403) and lets an ADMIN through", async () => {
    const user = await keys.signer.sign(claims("USER"));
    expectRefused(await get("/api/users/v1/admin/users?limit=5", `Bearer ${user}`), 403, "FORBIDDEN");

    const admin = await keys.signer.sign(claims("ADMIN"));
    const ok = await get("/api/users/v1/admin/users?limit=5", `Bearer ${admin}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().url).toBe("/v1/admin/users?limit=5");
  });

  it("refuses anonymous callers on admin operations with 401", async () => {
    expectRefused(await get(`/api/users/v1/admin/users/${crypto.randomUUID()}`), 401, "UNAUTHENTICATED");
  });
});
