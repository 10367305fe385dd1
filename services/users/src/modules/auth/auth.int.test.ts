import { users } from "@arte/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anEmail, type Harness, PASSWORD, refreshCookie, startHarness } from "../../../test/harness.js";
import { ACCOUNT_LOCKOUT, IP_LOCKOUT } from "./lockout.domain.js";

let h: Harness;
beforeAll(async () => {
  // The IP threshold is lowered so the per-IP test stays short; the account policy is the real one.
  h = await startHarness({ lockout: { account: ACCOUNT_LOCKOUT, ip: { ...IP_LOCKOUT, threshold: 8 } } });
});
afterAll(async () => {
  await h?.close();
});

const rows = (userId: string) =>
  h.db.selectFrom("refresh_token").selectAll().where("user_id", "=", userId).orderBy("issued_at").execute();
const me = (token: string) => h.app.inject({ method: "GET", url: "/v1/me", headers: h.bearer(token) });

describe("login", () => {
  it("returns an EdDSA access token and a hashed, httpOnly refresh cookie", async () => {
    const u = await h.signUp();
    const res = await h.login(u.email.toUpperCase(), PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ tokenType: "Bearer", expiresIn: 900, user: { id: u.me.id, role: "USER" } });
    const claims = await h.keys.verifier.verify(body.accessToken);
    expect(claims).toMatchObject({ sub: u.me.id, role: "USER", ev: true });
    expect(claims.exp - claims.iat).toBe(900);
    const header = JSON.parse(Buffer.from(body.accessToken.split(".")[0], "base64url").toString());
    expect(header.alg).toBe("EdDSA");

    const cookie = refreshCookie(res)!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: users.REFRESH_COOKIE_PATH,
    });
    const ttlDays = ((cookie.expires as Date).getTime() - Date.now()) / 86_400_000;
    expect(ttlDays).toBeGreaterThan(13.9);

    const [row] = await rows(u.me.id);
    expect(row!.family_id).toBe(claims.sid);
    expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.token_hash).not.toBe(cookie.value);
    expect(row!.used_at).toBeNull();
    const user = await h.db
      .selectFrom("app_user")
      .select("last_login_at")
      .where("id", "=", u.me.id)
      .executeTakeFirst();
    expect(user!.last_login_at).not.toBeNull();
  });

  it("answers unknown email and wrong password alike", async () => {
    const u = await h.signUp();
    const wrong = await h.login(u.email, "wrong password 1", "198.51.100.1");
    const unknown = await h.login(anEmail(), "wrong password 1", "198.51.100.2");
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe("INVALID_CREDENTIALS");
      expect(refreshCookie(r)).toBeUndefined();
    }
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it("spends a full password hash on an unknown email (no timing enumeration)", async () => {
    const u = await h.signUp();
    const time = async (email: string) => {
      const t = process.hrtime.bigint();
      await h.login(email, "wrong password 1", "198.51.100.9");
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    await time(anEmail()); // warm the dummy hash
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(u.email));
      unknown.push(await time(anEmail()));
    }
    const med = (a: number[]) => a.sort((x, y) => x - y)[1]!;
    // Both include one scrypt run; without the dummy hash the unknown path would be a fraction of it.
    expect(med(unknown)).toBeGreaterThan(med(known) * 0.5);
  });

  it("locks an account after 5 failures (429 + Retry-After), doubling the lock each time", async () => {
    const u = await h.signUp();
    for (let i = 0; i < 5; i++) {
      const r = await h.login(u.email, "wrong password 1", `192.0.2.${i + 1}`);
      expect(r.json().code).toBe("INVALID_CREDENTIALS");
    }
    const locked = await h.login(u.email, PASSWORD, "192.0.2.99");
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe("LOGIN_LOCKED");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(55);
    expect(Number(locked.headers["retry-after"])).toBeLessThanOrEqual(60);

    // The lock ends; five more failures lock for 2 minutes.
    await h.redis.del(`login:lock:acct:${u.email}`);
    for (let i = 0; i < 5; i++) await h.login(u.email, "wrong password 1", `192.0.2.${i + 10}`);
    const second = await h.login(u.email, PASSWORD, "192.0.2.98");
    expect(second.statusCode).toBe(429);
    expect(Number(second.headers["retry-after"])).toBeGreaterThan(115);
    expect(Number(second.headers["retry-after"])).toBeLessThanOrEqual(120);

    // After the lock a correct password works and clears the account's counters.
    await h.redis.del(`login:lock:acct:${u.email}`);
    expect((await h.login(u.email, PASSWORD, "192.0.2.97")).statusCode).toBe(200);
    expect(await h.redis.exists(`login:level:acct:${u.email}`)).toBe(0);
  });

  it("locks a client IP that fails across many accounts", async () => {
    const ip = "203.0.113.200";
    for (let i = 0; i < 8; i++) {
      const r = await h.login(anEmail(), "wrong password 1", ip);
      expect(r.json().code).toBe("INVALID_CREDENTIALS");
    }
    const u = await h.signUp();
    const locked = await h.login(u.email, PASSWORD, ip);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe("LOGIN_LOCKED");
    expect(locked.headers["retry-after"]).toBeDefined();
    // another IP is unaffected
    expect((await h.login(u.email, PASSWORD, "203.0.113.201")).statusCode).toBe(200);
  });

  it("refuses a suspended account only after its password is proven", async () => {
    const u = await h.signUp();
    await h.db
      .updateTable("app_user")
      .set({ status: "SUSPENDED", suspended_at: new Date(), suspended_reason: "test" })
      .where("id", "=", u.me.id)
      .execute();
    const wrong = await h.login(u.email, "wrong password 1", "198.51.100.20");
    expect(wrong.json().code).toBe("INVALID_CREDENTIALS");
    const right = await h.login(u.email, PASSWORD, "198.51.100.21");
    expect(right.statusCode).toBe(403);
    expect(right.json().code).toBe("ACCOUNT_SUSPENDED");
    expect(await rows(u.me.id)).toHaveLength(0);
  });

  it("upgrades a hash made with older parameters at login", async () => {
    const u = await h.signUp();
    const before = await h.db
      .selectFrom("app_user")
      .select("password_hash")
      .where("id", "=", u.me.id)
      .executeTakeFirstOrThrow();
    const { hashPassword } = await import("../../lib/password.js");
    const old = await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 });
    await h.db.updateTable("app_user").set({ password_hash: old }).where("id", "=", u.me.id).execute();
    expect((await h.login(u.email, PASSWORD)).statusCode).toBe(200);
    const after = await h.db
      .selectFrom("app_user")
      .select("password_hash")
      .where("id", "=", u.me.id)
      .executeTakeFirstOrThrow();
    expect(after.password_hash.split("$").slice(0, 4)).toEqual(before.password_hash.split("$").slice(0, 4));
  });
});

describe("refresh", () => {
  it("rotates: the old row is used, a new row joins the same family, a new cookie is set", async () => {
    const s = await h.session();
    const res = await h.refresh(s.refreshToken);
    expect(res.statusCode).toBe(200);
    const next = refreshCookie(res)!.value;
    expect(next).not.toBe(s.refreshToken);
    const claims = await h.keys.verifier.verify(res.json().accessToken);
    expect(claims.sid).toBe(s.sid);
    const r = await rows(s.id);
    expect(r).toHaveLength(2);
    expect(r[0]!.used_at).not.toBeNull();
    expect(r[1]!.used_at).toBeNull();
    expect(new Set(r.map((x) => x.family_id))).toEqual(new Set([s.sid]));
    expect((await h.refresh(next)).statusCode).toBe(200);
  });

  it("revokes the whole family when a used token comes back (REFRESH_TOKEN_REUSED)", async () => {
    const s = await h.session();
    const first = await h.refresh(s.refreshToken);
    const current = refreshCookie(first)!.value;
    const newAccess = first.json().accessToken as string;

    const reuse = await h.refresh(s.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe("REFRESH_TOKEN_REUSED");
    expect(refreshCookie(reuse)?.value).toBe("");
    expect((await rows(s.id)).every((r) => r.revoked_at !== null)).toBe(true);
    expect(await h.redis.exists(`auth:sid-revoked:${s.sid}`)).toBe(1);

    // The thief's and the owner's tokens of that family are all dead.
    const after = await h.refresh(current);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe("REFRESH_TOKEN_INVALID");
    expect((await me(newAccess)).statusCode).toBe(401);
    expect((await me(s.accessToken)).json().code).toBe("TOKEN_INVALID");
  });

  it("lets one of two concurrent refreshes with one token win; the other is a reuse", async () => {
    const s = await h.session();
    const [a, b] = await Promise.all([h.refresh(s.refreshToken), h.refresh(s.refreshToken)]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 401]);
    expect([a, b].find((r) => r.statusCode === 401)!.json().code).toBe("REFRESH_TOKEN_REUSED");
  });

  it("refuses a missing, unknown, malformed or expired refresh token", async () => {
    const s = await h.session();
    for (const token of [undefined, "x".repeat(43), "not a token", s.accessToken]) {
      const r = await h.refresh(token);
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe("REFRESH_TOKEN_INVALID");
    }
    await h.db
      .updateTable("refresh_token")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("user_id", "=", s.id)
      .execute();
    const expired = await h.refresh(s.refreshToken);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe("REFRESH_TOKEN_INVALID");
  });

  it("refuses a suspended user's refresh", async () => {
    const s = await h.session();
    await h.db
      .updateTable("app_user")
      .set({ status: "SUSPENDED", suspended_at: new Date(), suspended_reason: "x" })
      .where("id", "=", s.id)
      .execute();
    const r = await h.refresh(s.refreshToken);
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe("ACCOUNT_SUSPENDED");
  });
});

describe("logout", () => {
  it("revokes the family from the cookie and the access token's sid, clears the cookie, and is idempotent", async () => {
    const s = await h.session();
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/auth/logout",
      headers: h.bearer(s.accessToken),
      cookies: { [users.REFRESH_COOKIE]: s.refreshToken },
    });
    expect(res.statusCode).toBe(204);
    const cleared = refreshCookie(res)!;
    expect(cleared.value).toBe("");
    expect(cleared.path).toBe(users.REFRESH_COOKIE_PATH);
    expect((await rows(s.id)).every((r) => r.revoked_at !== null)).toBe(true);
    expect(await h.redis.exists(`auth:sid-revoked:${s.sid}`)).toBe(1);
    expect((await me(s.accessToken)).statusCode).toBe(401);
    expect((await h.refresh(s.refreshToken)).json().code).toBe("REFRESH_TOKEN_INVALID");

    const again = await h.app.inject({
      method: "POST",
      url: "/v1/auth/logout",
      headers: h.bearer(s.accessToken),
      cookies: { [users.REFRESH_COOKIE]: s.refreshToken },
    });
    expect(again.statusCode).toBe(204);
    expect((await h.app.inject({ method: "POST", url: "/v1/auth/logout" })).statusCode).toBe(204);
  });

  it("works with only the cookie, and only the access token", async () => {
    const a = await h.session();
    await h.app.inject({
      method: "POST",
      url: "/v1/auth/logout",
      cookies: { [users.REFRESH_COOKIE]: a.refreshToken },
    });
    expect((await me(a.accessToken)).statusCode).toBe(401);

    const b = await h.session();
    await h.app.inject({ method: "POST", url: "/v1/auth/logout", headers: h.bearer(b.accessToken) });
    expect((await h.refresh(b.refreshToken)).statusCode).toBe(401);
  });

  it("logout-all ends every session of the user and no one else's", async () => {
    const s = await h.session();
    const second = await h.login(s.email, PASSWORD);
    const other = await h.session();
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/auth/logout-all",
      headers: h.bearer(s.accessToken),
    });
    expect(res.statusCode).toBe(204);
    expect((await me(s.accessToken)).statusCode).toBe(401);
    expect((await me(second.json().accessToken)).statusCode).toBe(401);
    expect((await h.refresh(refreshCookie(second)!.value)).statusCode).toBe(401);
    expect((await rows(s.id)).every((r) => r.revoked_at !== null)).toBe(true);
    expect((await me(other.accessToken)).statusCode).toBe(200);
    expect((await h.app.inject({ method: "POST", url: "/v1/auth/logout-all" })).statusCode).toBe(401);
  });
});
