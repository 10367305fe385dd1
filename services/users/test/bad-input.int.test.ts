import { users } from "@arte/contracts";
import { createTestKeys } from "@arte/testing";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anEmail, aSignUp, type Harness, startHarness } from "./harness.js";

/**
 * Issue point 9: bad input always gets a clear 4xx in the one error shape, never a 5xx, and changes
 * nothing (row counts and the last update time are compared before and after).
 */
let h: Harness;
let s: Awaited<ReturnType<Harness["session"]>>;
let adminToken: string;
beforeAll(async () => {
  h = await startHarness();
  s = await h.session();
  adminToken = (await h.adminSession()).accessToken;
});
afterAll(async () => {
  await h?.close();
});

type Req = {
  method: "GET" | "POST" | "PATCH";
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
};

async function expectRefused(req: Req, status?: number, code?: string) {
  const before = await h.snapshot();
  const res = await h.app.inject({
    method: req.method,
    url: req.url,
    headers: req.headers ?? {},
    ...(req.payload !== undefined
      ? typeof req.payload === "string"
        ? { payload: req.payload, headers: { "content-type": "application/json", ...req.headers } }
        : { payload: req.payload as object }
      : {}),
  });
  expect(res.statusCode, `${req.method} ${req.url}: ${res.body}`).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, `${req.method} ${req.url}: ${res.body}`).toBeLessThan(500);
  if (status) expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  const body = res.json();
  expect(body).toMatchObject({
    status: res.statusCode,
    code: expect.any(String),
    requestId: expect.any(String),
  });
  expect(body.error).toMatchObject({ code: body.code, message: expect.any(String) });
  if (code) expect(body.code).toBe(code);
  expect(await h.snapshot()).toEqual(before);
  return res;
}

const publicPosts = [
  "/v1/email-verifications",
  "/v1/email-verifications/confirm",
  "/v1/users",
  "/v1/auth/login",
  "/v1/password-resets",
  "/v1/password-resets/confirm",
];

describe("malformed bodies", () => {
  it.each(publicPosts)("%s: malformed JSON, empty body, wrong content type, oversized body", async (url) => {
    await expectRefused({ method: "POST", url, payload: '{"email": "a@b.c",' }, 400, "MALFORMED_JSON");
    await expectRefused({ method: "POST", url, payload: "" }, 400);
    await expectRefused({ method: "POST", url, payload: "null" }, 400);
    await expectRefused({ method: "POST", url, payload: "[]" }, 400);
    await expectRefused(
      {
        method: "POST",
        url,
        payload: "email=a@b.c",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      415,
    );
    await expectRefused({ method: "POST", url, payload: { email: `${"a".repeat(70_000)}@x.com` } }, 413);
  });

  it.each(publicPosts)("%s: missing, unknown and wrongly typed fields", async (url) => {
    await expectRefused({ method: "POST", url, payload: {} }, 400, "VALIDATION_FAILED");
    await expectRefused({ method: "POST", url, payload: { email: anEmail(), role: "ADMIN", extra: 1 } }, 400);
    await expectRefused({ method: "POST", url, payload: { email: 42, password: ["x"], code: 123456 } }, 400);
    await expectRefused(
      { method: "POST", url, payload: { email: { $ne: null }, password: { $gt: "" } } },
      400,
    );
  });
});

describe("hostile strings", () => {
  const hostile = [
    "' OR 1=1 --",
    "a@b.c'; DROP TABLE app_user; --",
    "admin@example.com\u0000",
    "\u202Eadmin@example.com",
    "😀@example.com",
    `${"x".repeat(300)}@example.com`,
    "ＡＤＭＩＮ@example.com",
  ];
  it.each(hostile)("email %j is refused everywhere it is read", async (email) => {
    for (const url of ["/v1/email-verifications", "/v1/auth/login", "/v1/password-resets"])
      await expectRefused({ method: "POST", url, payload: { email, password: "x" } }, 400);
  });

  it("sign-up refuses NUL, control characters, very long strings, impossible dates and bad enums", async () => {
    const email = anEmail();
    const token = await h.verificationToken(email);
    const bad: Record<string, unknown>[] = [
      { username: "Kim\u0000Minji" },
      { username: "Kim\nMinji" },
      { username: "x".repeat(51) },
      { username: "   " },
      { address: "a".repeat(201) },
      { birth: "2023-02-31" },
      { birth: "2999-01-01" },
      { birth: "1899-12-31" },
      { birth: "1990-13-01" },
      { birth: "1990-02-30x" },
      { gender: "M" },
      { phoneNumber: "02-123-4567" },
      { postcode: "1234" },
      { locale: "fr" },
      { password: "short1" },
      { password: "onlyletterslong" },
      { password: "1234567890" },
      { password: `${"a1".repeat(65)}` },
      { password: "good password 1\u0007" },
      { verificationToken: "short" },
      { email: "not-an-email" },
      { role: "ADMIN" },
      { emailVerified: false },
    ];
    for (const over of bad)
      await expectRefused({ method: "POST", url: "/v1/users", payload: aSignUp(email, token, over) }, 400);
    // the token survived all of that
    const ok = await h.app.inject({ method: "POST", url: "/v1/users", payload: aSignUp(email, token) });
    expect(ok.statusCode).toBe(201);
  });

  it("stores SQL-looking text, emoji and RTL characters verbatim (they are data, not code)", async () => {
    const weird = "Robert'); DROP TABLE app_user;-- 😀 \u202Eevil";
    const u = await h.signUp({ username: weird.slice(0, 50) });
    expect(u.me.username).toBe(weird.slice(0, 50));
    const row = await h.db
      .selectFrom("app_user")
      .select("username")
      .where("id", "=", u.me.id)
      .executeTakeFirstOrThrow();
    expect(row.username).toBe(weird.slice(0, 50));
    const search = await h.app.inject({
      method: "GET",
      url: `/v1/admin/users?q=${encodeURIComponent("'); DROP TABLE")}`,
      headers: h.bearer(adminToken),
    });
    expect(search.statusCode).toBe(200);
    expect(search.json().items.map((x: { id: string }) => x.id)).toEqual([u.me.id]);
  });

  it("refuses bad codes, path ids and queries", async () => {
    for (const code of ["12345", "1234567", "abcdef", "12345\u0000", "１２３４５６", "' OR 1=1"])
      await expectRefused(
        { method: "POST", url: "/v1/email-verifications/confirm", payload: { email: anEmail(), code } },
        400,
      );
    const auth = h.bearer(adminToken);
    await expectRefused({ method: "GET", url: "/v1/admin/users/not-a-uuid", headers: auth }, 400);
    await expectRefused({ method: "GET", url: "/v1/admin/users/1%27%20OR%201%3D1", headers: auth }, 400);
    await expectRefused({ method: "GET", url: `/v1/admin/users?q=${"x".repeat(101)}`, headers: auth }, 400);
    await expectRefused(
      {
        method: "POST",
        url: `/v1/admin/users/${s.id}/suspend`,
        payload: { reason: "x".repeat(501) },
        headers: auth,
      },
      400,
    );
    await expectRefused(
      { method: "PATCH", url: "/v1/me", payload: { username: "\u0000" }, headers: h.bearer(s.accessToken) },
      400,
    );
  });
});

describe("tokens", () => {
  const meWith = (authorization: string) => ({
    method: "GET" as const,
    url: "/v1/me",
    headers: { authorization },
  });
  const claims = () => ({ role: "ADMIN", sid: s.sid, ev: true });

  it("refuses tampered, alg=none, wrong-key, wrong-type, expired and garbage tokens", async () => {
    const [head, body, sig] = s.accessToken.split(".") as [string, string, string];
    const forged = JSON.parse(Buffer.from(body, "base64url").toString());
    forged.role = "ADMIN";
    const tampered = `${head}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${sig}`;
    await expectRefused(meWith(`Bearer ${tampered}`), 401, "TOKEN_INVALID");

    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${Buffer.from(JSON.stringify({ ...forged })).toString("base64url")}.`;
    await expectRefused(meWith(`Bearer ${none}`), 401);

    const other = await createTestKeys();
    const wrongKey = await other.signer.sign({ sub: s.id, role: "ADMIN", sid: s.sid, ev: true });
    await expectRefused(meWith(`Bearer ${wrongKey}`), 401, "TOKEN_INVALID");
    await expectRefused(
      { method: "GET", url: "/v1/admin/users", headers: { authorization: `Bearer ${wrongKey}` } },
      401,
      "TOKEN_INVALID",
    );

    // The right key, but HS256 with the public key as secret (alg confusion), or typ JWT.
    const pub = h.keys.jwks.keys[0]!;
    const hs = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: pub.kid })
      .setSubject(s.id)
      .setIssuer("arte-moderni")
      .setAudience("arte-moderni")
      .setIssuedAt()
      .setExpirationTime("5m")
      .setJti("x")
      .sign(new TextEncoder().encode(JSON.stringify(pub)));
    await expectRefused(meWith(`Bearer ${hs}`), 401, "TOKEN_INVALID");

    const { importJWK } = await import("jose");
    const key = await importJWK(h.keys.privateJwk, "EdDSA");
    const sign = (typ: string, exp: number | string) =>
      new SignJWT(claims())
        .setProtectedHeader({ alg: "EdDSA", typ, kid: h.keys.privateJwk.kid })
        .setSubject(s.id)
        .setIssuer("arte-moderni")
        .setAudience("arte-moderni")
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
        .setExpirationTime(exp)
        .setJti("y")
        .sign(key);
    await expectRefused(meWith(`Bearer ${await sign("JWT", "5m")}`), 401, "TOKEN_INVALID");
    await expectRefused(
      meWith(`Bearer ${await sign("at+jwt", Math.floor(Date.now() / 1000) - 60)}`),
      401,
      "TOKEN_EXPIRED",
    );

    for (const header of [
      "Bearer",
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      `Token ${s.accessToken}`,
      `Bearer  ${s.accessToken}x`,
      "Bearer a.b.c",
      `Bearer ${"a".repeat(5000)}`,
    ])
      await expectRefused(meWith(header), 401);
    // the real one still works
    expect((await h.app.inject(meWith(`Bearer ${s.accessToken}`))).statusCode).toBe(200);
  });

  it("a reused refresh token is a clear 401 and revokes only its own family", async () => {
    const t = await h.session();
    const rotated = await h.refresh(t.refreshToken);
    expect(rotated.statusCode).toBe(200);
    const res = await h.refresh(t.refreshToken);
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().code).toBe("REFRESH_TOKEN_REUSED");
    expect((await h.app.inject(meWith(`Bearer ${s.accessToken}`))).statusCode).toBe(200);
    // further reuse attempts change nothing more
    await expectRefused(
      {
        method: "POST",
        url: "/v1/auth/refresh",
        headers: { cookie: `${users.REFRESH_COOKIE}=${t.refreshToken}` },
      },
      401,
    );
    await expectRefused(
      { method: "POST", url: "/v1/auth/refresh", headers: { cookie: `${users.REFRESH_COOKIE}=%00%27--` } },
      401,
    );
  });

  it("unknown routes and methods are 404 in the same shape", async () => {
    await expectRefused({ method: "GET", url: "/v1/users" }, 404);
    await expectRefused({ method: "GET", url: "/v1/auth/login" }, 404);
  });
});
