import { users } from "@arte/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anEmail, aSignUp, type Harness, PASSWORD, startHarness } from "../../../test/harness.js";

const REGISTERED = users.UserRegisteredV1.shape.type.value;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const signUp = (payload: unknown, headers: Record<string, string> = {}) =>
  h.app.inject({ method: "POST", url: "/v1/users", payload: payload as object, headers });

describe("POST /v1/users", () => {
  it("creates a verified USER, hashes the password, enqueues UserRegisteredV1 and consumes the token (a retry gets the same account)", async () => {
    const email = anEmail();
    const token = await h.verificationToken(email);
    const res = await signUp(aSignUp(email, token), { "x-request-id": "corr-signup-1" });
    expect(res.statusCode).toBe(201);
    const me = res.json();
    expect(me).toMatchObject({
      email,
      username: "Kim Minji",
      birth: "1990-05-17",
      gender: "녀",
      phoneNumber: "010-1234-5678",
      postcode: "04524",
      addressDetail: "3F",
      locale: "ko",
      role: "USER",
      status: "ACTIVE",
      emailVerified: true,
    });
    expect(JSON.stringify(me)).not.toContain("scrypt");
    const row = await h.db
      .selectFrom("app_user")
      .selectAll()
      .where("id", "=", me.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$[\w-]+\$[\w-]{43}$/);
    expect(row.password_hash).not.toContain(PASSWORD);
    expect(row.email_verified).toBe(true);

    const events = (await h.outbox(REGISTERED)).filter((r) => r.payload.data.userId === me.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      correlationId: "corr-signup-1",
      data: { userId: me.id, email, username: "Kim Minji", locale: "ko" },
    });

    // The token was single-use: a retry of the same sign-up (its answer lost) gets the same account
    // back and creates nothing; anything else with that token is refused.
    const again = await signUp(aSignUp(email, token));
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(me);
    expect((await h.outbox(REGISTERED)).filter((r) => r.payload.data.userId === me.id)).toHaveLength(1);
    const otherPassword = await signUp(aSignUp(email, token, { password: "another-passphrase-9" }));
    expect([otherPassword.statusCode, otherPassword.json().code]).toEqual([400, "VERIFICATION_INVALID"]);
    const otherEmail = await signUp(aSignUp(anEmail(), token));
    expect([otherEmail.statusCode, otherEmail.json().code]).toEqual([400, "VERIFICATION_INVALID"]);
  });

  it("requires a verification token bound to the same email", async () => {
    const before = await h.snapshot();
    const missing = await signUp(aSignUp(anEmail(), "a".repeat(43)));
    expect(missing.json().code).toBe("VERIFICATION_INVALID");
    const email = anEmail();
    const token = await h.verificationToken(email);
    const other = await signUp(aSignUp(anEmail(), token));
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe("VERIFICATION_INVALID");
    // the owner can still use it
    expect((await signUp(aSignUp(email, token))).statusCode).toBe(201);
    expect((await h.snapshot()).users).toBe(before.users + 1);
  });

  it("refuses an expired verification token", async () => {
    const email = anEmail();
    const token = await h.verificationToken(email);
    const keys = await h.redis.keys(`${(h.redis.options.keyPrefix as string) ?? ""}verify:token:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) await h.redis.del(k.slice((h.redis.options.keyPrefix as string).length));
    const res = await signUp(aSignUp(email, token));
    expect(res.json().code).toBe("VERIFICATION_INVALID");
  });

  it("maps a duplicate email to 409 EMAIL_ALREADY_REGISTERED, also under concurrency", async () => {
    const { email } = await h.signUp();
    const token = await h.verificationToken(anEmail()); // a token for another address
    const dup = await signUp(aSignUp(email, token));
    expect(dup.json().code).toBe("VERIFICATION_INVALID");

    // Two confirmed tokens for one new email, racing: exactly one account.
    const racer = anEmail();
    const t1 = await h.verificationToken(racer);
    await h.redis.del(`verify:cooldown:${racer}`);
    const t2 = await h.verificationToken(racer);
    const before = await h.snapshot();
    const [a, b] = await Promise.all([signUp(aSignUp(racer, t1)), signUp(aSignUp(racer, t2))]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.statusCode === 409)!.json().code).toBe("EMAIL_ALREADY_REGISTERED");
    const after = await h.snapshot();
    expect(after.users).toBe(before.users + 1);
    expect(after.outbox).toBe(before.outbox + 1);
  });
});

describe("GET/PATCH /v1/me", () => {
  it("returns my profile and updates only the fields sent", async () => {
    const s = await h.session();
    const get = await h.app.inject({ method: "GET", url: "/v1/me", headers: h.bearer(s.accessToken) });
    expect(get.statusCode).toBe(200);
    expect(get.json().id).toBe(s.id);

    const patch = await h.app.inject({
      method: "PATCH",
      url: "/v1/me",
      headers: h.bearer(s.accessToken),
      payload: { username: "Lee Seojun", phoneNumber: "011-234-5678", addressDetail: null, locale: "en" },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({
      username: "Lee Seojun",
      phoneNumber: "011-234-5678",
      addressDetail: null,
      locale: "en",
      postcode: "04524",
      email: s.email,
    });
    expect(Date.parse(patch.json().updatedAt)).toBeGreaterThan(Date.parse(get.json().updatedAt));
  });

  it("refuses an empty patch, a patch of email/role, and no token", async () => {
    const s = await h.session();
    const before = await h.snapshot();
    for (const payload of [{}, { email: "x@example.com" }, { role: "ADMIN" }, { status: "ACTIVE" }]) {
      const r = await h.app.inject({
        method: "PATCH",
        url: "/v1/me",
        headers: h.bearer(s.accessToken),
        payload,
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe("VALIDATION_FAILED");
    }
    expect((await h.app.inject({ method: "GET", url: "/v1/me" })).statusCode).toBe(401);
    expect(await h.snapshot()).toEqual(before);
  });
});
