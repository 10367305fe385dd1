import { users } from "@arte/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anEmail, type Harness, startHarness } from "../../../test/harness.js";

const CODE_EVENT = users.EmailCodeRequestedV1.shape.type.value;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const request = (email: string, extra: Record<string, unknown> = {}) =>
  h.app.inject({ method: "POST", url: "/v1/email-verifications", payload: { email, ...extra } });
const confirm = (email: string, code: string) =>
  h.app.inject({ method: "POST", url: "/v1/email-verifications/confirm", payload: { email, code } });

describe("POST /v1/email-verifications", () => {
  it("answers 202, stores only a hash in its own Redis namespace, and enqueues the code", async () => {
    const email = anEmail();
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/email-verifications",
      headers: { "x-request-id": "corr-verify-1" },
      payload: { email: `  ${email.toUpperCase()} `, locale: "en" },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ expiresInSeconds: 300, resendAfterSeconds: 60 });

    const rows = (await h.outbox(CODE_EVENT)).filter((r) => r.payload.data.email === email);
    expect(rows).toHaveLength(1);
    const ev = rows[0]!.payload;
    expect(ev.correlationId).toBe("corr-verify-1");
    expect(rows[0]!.headers).toEqual({ "Correlation-Id": "corr-verify-1" });
    expect(ev.data.locale).toBe("en");
    expect(ev.data.code).toMatch(/^\d{6}$/);
    const ttl = Date.parse(ev.data.expiresAt!) - Date.now();
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);

    const stored = await h.redis.hgetall(`verify:code:${email}`);
    expect(stored.h).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.h).not.toContain(ev.data.code);
    expect(JSON.stringify(stored)).not.toContain(ev.data.code);
    const pttl = await h.redis.pttl(`verify:code:${email}`);
    expect(pttl).toBeGreaterThan(290_000);
    expect(pttl).toBeLessThanOrEqual(300_000);
  });

  it("refuses a resend within 60 s with CODE_RESEND_TOO_SOON and Retry-After", async () => {
    const email = anEmail();
    expect((await request(email)).statusCode).toBe(202);
    const before = (await h.outbox(CODE_EVENT)).length;
    const again = await request(email);
    expect(again.statusCode).toBe(429);
    expect(again.json().code).toBe("CODE_RESEND_TOO_SOON");
    const retry = Number(again.headers["retry-after"]);
    expect(retry).toBeGreaterThan(55);
    expect(retry).toBeLessThanOrEqual(60);
    expect((await h.outbox(CODE_EVENT)).length).toBe(before);

    // After the window a new code replaces the old one.
    await h.redis.del(`verify:cooldown:${email}`);
    expect((await request(email)).statusCode).toBe(202);
    const codes = (await h.outbox(CODE_EVENT)).filter((r) => r.payload.data.email === email);
    expect(codes).toHaveLength(2);
  });

  it("answers a registered email the same way but sends no code", async () => {
    const { email } = await h.signUp();
    await h.redis.del(`verify:cooldown:${email}`);
    const before = await h.outbox(CODE_EVENT);
    const res = await request(email);
    expect(res.statusCode).toBe(202);
    const fresh = await request(anEmail());
    expect(Object.keys(res.json())).toEqual(Object.keys(fresh.json()));
    expect(res.json()).toEqual(fresh.json());
    const after = await h.outbox(CODE_EVENT);
    expect(after.filter((r) => r.payload.data.email === email).length).toBe(
      before.filter((r) => r.payload.data.email === email).length,
    );
    expect(await h.redis.exists(`verify:code:${email}`)).toBe(0);
    // ...and is throttled like any other address.
    expect((await request(email)).statusCode).toBe(429);
  });
});

describe("POST /v1/email-verifications/confirm", () => {
  it("consumes the code and returns a single-use 15-minute verification token stored hashed", async () => {
    const email = anEmail();
    const code = await h.requestCode(email);
    const res = await confirm(email, code);
    expect(res.statusCode).toBe(200);
    const { verificationToken, expiresAt } = res.json();
    expect(verificationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(await h.redis.exists(`verify:code:${email}`)).toBe(0);
    expect(await h.redis.keys(`*${verificationToken}*`)).toEqual([]);
    // the code is gone
    const again = await confirm(email, code);
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe("CODE_NOT_FOUND_OR_EXPIRED");
  });

  it("allows 5 wrong tries, then needs a new code (even the right one is refused)", async () => {
    const email = anEmail();
    const code = await h.requestCode(email);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) {
      const r = await confirm(email, wrong);
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe("CODE_INCORRECT");
      expect(r.json().error.details).toEqual({ attemptsLeft: 5 - i });
    }
    const fifth = await confirm(email, wrong);
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().code).toBe("CODE_ATTEMPTS_EXCEEDED");
    const right = await confirm(email, code);
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe("CODE_ATTEMPTS_EXCEEDED");

    await h.redis.del(`verify:cooldown:${email}`);
    const fresh = await h.requestCode(email);
    expect((await confirm(email, fresh)).statusCode).toBe(200);
  });

  it("refuses an expired code and a code for another email", async () => {
    const email = anEmail();
    const code = await h.requestCode(email);
    expect((await confirm(anEmail(), code)).json().code).toBe("CODE_NOT_FOUND_OR_EXPIRED");
    await h.redis.pexpire(`verify:code:${email}`, 1);
    await new Promise((r) => setTimeout(r, 10));
    const res = await confirm(email, code);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("CODE_NOT_FOUND_OR_EXPIRED");
  });

  it("lets exactly one of many concurrent confirmations of the right code succeed", async () => {
    const email = anEmail();
    const code = await h.requestCode(email);
    const results = await Promise.all(Array.from({ length: 8 }, () => confirm(email, code)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.statusCode !== 200)) expect([400, 429]).toContain(r.statusCode);
  });

  it("uses keys apart from sessions: a code request does not touch a signed-in user's session", async () => {
    const s = await h.session();
    await h.redis.del(`verify:cooldown:${s.email}`);
    await request(s.email);
    const me = await h.app.inject({ method: "GET", url: "/v1/me", headers: h.bearer(s.accessToken) });
    expect(me.statusCode).toBe(200);
    expect((await h.refresh(s.refreshToken)).statusCode).toBe(200);
  });
});
