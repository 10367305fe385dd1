import { users } from "@arte/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anEmail, type Harness, PASSWORD, refreshCookie, startHarness } from "../../../test/harness.js";

const RESET = users.PasswordResetRequestedV1.shape.type.value;
const NEW = "brand new secret 7";
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const me = (token: string) => h.app.inject({ method: "GET", url: "/v1/me", headers: h.bearer(token) });
const forgot = (email: string) =>
  h.app.inject({ method: "POST", url: "/v1/password-resets", payload: { email } });
const confirm = (payload: object) =>
  h.app.inject({ method: "POST", url: "/v1/password-resets/confirm", payload });

describe("POST /v1/me/password", () => {
  it("checks the current password, keeps this session and ends the others", async () => {
    const s = await h.session();
    const other = await h.login(s.email, PASSWORD);
    const change = (body: object) =>
      h.app.inject({
        method: "POST",
        url: "/v1/me/password",
        headers: h.bearer(s.accessToken),
        payload: body,
      });

    const wrong = await change({ currentPassword: "not it 12345", newPassword: NEW });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe("PASSWORD_INCORRECT");
    const same = await change({ currentPassword: PASSWORD, newPassword: PASSWORD });
    expect(same.json().code).toBe("PASSWORD_SAME_AS_OLD");

    expect((await change({ currentPassword: PASSWORD, newPassword: NEW })).statusCode).toBe(204);
    expect((await me(s.accessToken)).statusCode).toBe(200);
    expect((await h.refresh(s.refreshToken)).statusCode).toBe(200);
    expect((await me(other.json().accessToken)).statusCode).toBe(401);
    expect((await h.refresh(refreshCookie(other)!.value)).statusCode).toBe(401);
    expect((await h.login(s.email, PASSWORD)).statusCode).toBe(401);
    expect((await h.login(s.email, NEW)).statusCode).toBe(200);
  });
});

describe("password reset", () => {
  it("answers the same for unknown and known emails; only a known one gets a code", async () => {
    const { email, me: user } = await h.signUp();
    const unknown = anEmail();
    const a = await forgot(email);
    const b = await forgot(unknown);
    expect(a.statusCode).toBe(202);
    expect(b.statusCode).toBe(202);
    expect(a.json()).toEqual(b.json());
    const events = await h.outbox(RESET);
    expect(events.filter((e) => e.payload.data.email === unknown)).toHaveLength(0);
    const mine = events.filter((e) => e.payload.data.email === email);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload.data).toMatchObject({ userId: user.id, username: "Kim Minji", locale: "ko" });
    expect(mine[0]!.payload.data.code).toMatch(/^\d{6}$/);
    expect(Date.parse(mine[0]!.payload.data.expiresAt!) - Date.now()).toBeGreaterThan(14 * 60_000);
    const stored = await h.redis.hgetall(`reset:code:${email}`);
    expect(stored.h).toMatch(/^[0-9a-f]{64}$/);
    expect(await h.redis.pttl(`reset:code:${email}`)).toBeGreaterThan(14 * 60_000);

    // A second request in the resend window: same 202, nothing more sent.
    expect((await forgot(email)).statusCode).toBe(202);
    expect((await h.outbox(RESET)).filter((e) => e.payload.data.email === email)).toHaveLength(1);
  });

  it("sets the password with the code and ends every session", async () => {
    const s = await h.session();
    await forgot(s.email);
    const code = (await h.outbox(RESET)).filter((e) => e.payload.data.email === s.email).at(-1)!.payload.data
      .code as string;
    const wrong = await confirm({
      email: s.email,
      code: code === "000000" ? "111111" : "000000",
      newPassword: NEW,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe("RESET_CODE_INVALID");

    expect((await confirm({ email: s.email, code, newPassword: NEW })).statusCode).toBe(204);
    expect((await me(s.accessToken)).statusCode).toBe(401);
    expect((await h.refresh(s.refreshToken)).statusCode).toBe(401);
    expect((await h.login(s.email, NEW)).statusCode).toBe(200);
    // single use
    expect((await confirm({ email: s.email, code, newPassword: "another one 99" })).json().code).toBe(
      "RESET_CODE_INVALID",
    );
  });

  it("burns the code after 5 wrong tries, and refuses unknown emails the same way", async () => {
    const { email } = await h.signUp();
    await forgot(email);
    const code = (await h.outbox(RESET)).filter((e) => e.payload.data.email === email).at(-1)!.payload.data
      .code as string;
    const wrongCode = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 4; i++)
      expect((await confirm({ email, code: wrongCode, newPassword: NEW })).json().code).toBe(
        "RESET_CODE_INVALID",
      );
    expect((await confirm({ email, code: wrongCode, newPassword: NEW })).json().code).toBe(
      "CODE_ATTEMPTS_EXCEEDED",
    );
    expect((await confirm({ email, code, newPassword: NEW })).statusCode).toBe(429);
    expect((await h.login(email, PASSWORD)).statusCode).toBe(200);
    expect((await confirm({ email: anEmail(), code, newPassword: NEW })).json().code).toBe(
      "RESET_CODE_INVALID",
    );
  });
});
