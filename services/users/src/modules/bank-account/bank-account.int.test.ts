import { randomUUID } from "node:crypto";
import { bank, CASH_ACCOUNT_ID, HOUSE_ACCOUNT_ID, users } from "@arte/contracts";
import { createTestBus, testLogger } from "@arte/testing";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBank, type TestBank } from "../../../test/bank.js";
import { type Harness, startHarness } from "../../../test/harness.js";
import { createBankClient, unconfiguredBankClient } from "./bank.client.js";

const { BankAccountLinkedV1, BankAccountUnlinkedV1 } = users;

const OPENING = 10_000_000;
const LINKED = BankAccountLinkedV1.shape.type.value;
const UNLINKED = BankAccountUnlinkedV1.shape.type.value;

let b: TestBank;
let h: Harness;
let deadBus: Awaited<ReturnType<typeof createTestBus>>;
beforeAll(async () => {
  b = await startTestBank();
  h = await startHarness({
    bank: { bank: b.client(), demoBank: { enabled: true, openingBalance: OPENING } },
  });
  deadBus = await createTestBus([]);
});
afterAll(async () => {
  await h?.close();
  await deadBus?.destroy();
  await b?.close();
});

type Session = Awaited<ReturnType<Harness["session"]>>;
const bearer = (s: Session) => h.bearer(s.accessToken);
const link = (s: Session, payload: unknown, app = h.app) =>
  app.inject({ method: "POST", url: "/v1/me/bank-account", headers: bearer(s), payload: payload as object });
const get = (s: Session, app = h.app) =>
  app.inject({ method: "GET", url: "/v1/me/bank-account", headers: bearer(s) });
const unlink = (s: Session, app = h.app) =>
  app.inject({ method: "DELETE", url: "/v1/me/bank-account", headers: bearer(s) });
const statement = (s: Session, query = "", app = h.app) =>
  app.inject({ method: "GET", url: `/v1/me/bank-account/statement${query}`, headers: bearer(s) });
const demo = (s: Session, pin: string, key: string, app = h.app) =>
  app.inject({
    method: "POST",
    url: "/v1/me/bank-account/demo",
    headers: { ...bearer(s), "idempotency-key": key },
    payload: { pin },
  });
const topUp = (s: Session, amount: number, key: string, app = h.app) =>
  app.inject({
    method: "POST",
    url: "/v1/me/bank-account/top-up",
    headers: { ...bearer(s), "idempotency-key": key },
    payload: { amount },
  });

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  const body = res.json();
  expect(body).toMatchObject({ status, code, requestId: expect.any(String), error: { code } });
  return body;
}

const linkOf = (userId: string) =>
  h.db.selectFrom("bank_link").selectAll().where("user_id", "=", userId).executeTakeFirst();
const eventsOf = async (type: string, userId: string) =>
  (await h.outbox(type)).filter((e) => e.payload.data.userId === userId);
/** Everything a bank-account request could change on our side. */
const snapshot = async () => ({
  links: await h.db.selectFrom("bank_link").selectAll().orderBy("user_id").execute(),
  outbox: (
    await h.db.selectFrom("outbox").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow()
  ).n,
});

describe("link by account number and PIN", () => {
  it("verifies the PIN at the bank, stores the link with its event and answers the balance view", async () => {
    const s = await h.session();
    const acct = await b.openAccount({ balance: 50_000 });
    const res = await link(s, { accountNumber: acct.number, pin: acct.pin });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(view).toEqual({
      accountId: acct.accountId,
      number: acct.number,
      holderName: "Kim Minji",
      status: "ACTIVE",
      posted: 50_000,
      held: 0,
      available: 50_000,
      linkedAt: expect.any(String),
    });
    expect(await linkOf(s.id)).toMatchObject({
      account_id: acct.accountId,
      account_number: acct.number,
      holder_name: "Kim Minji",
      open_key: null,
    });
    const events = await eventsOf(LINKED, s.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      correlationId: res.headers["x-request-id"],
      data: { userId: s.id, accountId: acct.accountId, accountNumber: acct.number, demo: false },
    });
    const again = await get(s);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(view);
  });

  it("a wrong PIN is 401 PIN_INCORRECT (no attempt count) and links nothing", async () => {
    const s = await h.session();
    const acct = await b.openAccount();
    const before = await snapshot();
    const body = expectProblem(
      await link(s, { accountNumber: acct.number, pin: "9999" }),
      401,
      "PIN_INCORRECT",
    );
    expect(body.error.details).toBeUndefined();
    expect(await snapshot()).toEqual(before);
    // The right PIN then works (the counter resets on success at the bank).
    expect((await link(s, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
  });

  it("five wrong PINs lock the account at the bank: 423 ACCOUNT_LOCKED, even for the right PIN", async () => {
    const s = await h.session();
    const acct = await b.openAccount();
    const before = await snapshot();
    for (let left = 4; left >= 1; left--)
      expectProblem(await link(s, { accountNumber: acct.number, pin: "0000" }), 401, "PIN_INCORRECT");
    expectProblem(await link(s, { accountNumber: acct.number, pin: "0000" }), 423, "ACCOUNT_LOCKED");
    expectProblem(await link(s, { accountNumber: acct.number, pin: acct.pin }), 423, "ACCOUNT_LOCKED");
    expect((await b.balance(acct.accountId)).status).toBe("LOCKED");
    expect(await snapshot()).toEqual(before);
  });

  it("an account linked to another user is 409 ACCOUNT_LINKED_TO_ANOTHER_USER; the first link stays", async () => {
    const first = await h.session();
    const second = await h.session();
    const acct = await b.openAccount();
    expect((await link(first, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
    const before = await snapshot();
    expectProblem(
      await link(second, { accountNumber: acct.number, pin: acct.pin }),
      409,
      "ACCOUNT_LINKED_TO_ANOTHER_USER",
    );
    expect(await snapshot()).toEqual(before);
    expect((await linkOf(first.id))?.account_id).toBe(acct.accountId);
    expect(await linkOf(second.id)).toBeUndefined();
  });

  it("linking twice is 409 BANK_ACCOUNT_ALREADY_LINKED, before any PIN is tried", async () => {
    const s = await h.session();
    const acct = await b.openAccount();
    const other = await b.openAccount();
    expect((await link(s, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
    const before = await snapshot();
    expectProblem(
      await link(s, { accountNumber: acct.number, pin: acct.pin }),
      409,
      "BANK_ACCOUNT_ALREADY_LINKED",
    );
    // A wrong PIN on another account: refused as already linked, and the bank never counted it.
    expectProblem(
      await link(s, { accountNumber: other.number, pin: "0000" }),
      409,
      "BANK_ACCOUNT_ALREADY_LINKED",
    );
    expect(await snapshot()).toEqual(before);
    const stranger = await h.session();
    const body = expectProblem(
      await link(stranger, { accountNumber: other.number, pin: "0000" }),
      401,
      "PIN_INCORRECT",
    );
    expect(body.error.details).toBeUndefined();
  });

  it("an unknown account number gets exactly the wrong-PIN answer (no way to learn which numbers exist)", async () => {
    const s = await h.session();
    const acct = await b.openAccount();
    const before = await snapshot();
    const unknown = expectProblem(
      await link(s, { accountNumber: "9999-999-999999", pin: "0000" }),
      401,
      "PIN_INCORRECT",
    );
    const wrong = expectProblem(
      await link(s, { accountNumber: acct.number, pin: "0000" }),
      401,
      "PIN_INCORRECT",
    );
    const shape = (b: { error: Record<string, unknown>; detail?: unknown; title?: unknown }) => ({
      error: b.error,
      detail: b.detail,
      title: b.title,
    });
    expect(shape(unknown)).toEqual(shape(wrong));
    expect(await snapshot()).toEqual(before);
  });

  it("the house and cash accounts cannot be linked", async () => {
    const s = await h.session();
    const before = await snapshot();
    for (const id of [HOUSE_ACCOUNT_ID, CASH_ACCOUNT_ID]) {
      const { number } = await b.balance(id);
      const res = await link(s, { accountNumber: number, pin: "1234" });
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("races: two users on one account, or one user on two accounts — exactly one link wins", async () => {
    const [u1, u2] = [await h.session(), await h.session()];
    const acct = await b.openAccount();
    const both = await Promise.all([
      link(u1, { accountNumber: acct.number, pin: acct.pin }),
      link(u2, { accountNumber: acct.number, pin: acct.pin }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().code).toBe("ACCOUNT_LINKED_TO_ANOTHER_USER");
    const links = await h.db
      .selectFrom("bank_link")
      .select("user_id")
      .where("account_id", "=", acct.accountId)
      .execute();
    expect(links).toHaveLength(1);

    const u3 = await h.session();
    const [a, c] = [await b.openAccount(), await b.openAccount()];
    const mine = await Promise.all([
      link(u3, { accountNumber: a.number, pin: a.pin }),
      link(u3, { accountNumber: c.number, pin: c.pin }),
    ]);
    expect(mine.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(mine.find((r) => r.statusCode === 409)!.json().code).toBe("BANK_ACCOUNT_ALREADY_LINKED");
    expect(await eventsOf(LINKED, u3.id)).toHaveLength(1);
  });
});

describe("unlink", () => {
  it("is refused with HOLDS_OPEN while the bank holds money; after the release it unlinks with its event", async () => {
    const s = await h.session();
    const acct = await b.openAccount({ balance: 50_000 });
    expect((await link(s, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
    const hold = await b.hold(acct.accountId, 20_000);

    const view = await get(s);
    expect(view.json()).toMatchObject({ posted: 50_000, held: 20_000, available: 30_000 });

    const before = await snapshot();
    const body = expectProblem(await unlink(s), 409, "HOLDS_OPEN");
    expect(body.error.details).toEqual({ held: 20_000 });
    expect(await snapshot()).toEqual(before);

    await b.release(hold.holdId);
    const res = await unlink(s);
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe("");
    expect(await linkOf(s.id)).toBeUndefined();
    const events = await eventsOf(UNLINKED, s.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      correlationId: res.headers["x-request-id"],
      data: { userId: s.id, accountId: acct.accountId },
    });
    expectProblem(await unlink(s), 404, "NO_LINKED_ACCOUNT");
    expectProblem(await get(s), 404, "NO_LINKED_ACCOUNT");
    // The account is free again: it can be linked anew.
    expect((await link(s, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
  });

  it("without a link: DELETE, GET and the statement are 404 NO_LINKED_ACCOUNT", async () => {
    const s = await h.session();
    const before = await snapshot();
    expectProblem(await unlink(s), 404, "NO_LINKED_ACCOUNT");
    expectProblem(await get(s), 404, "NO_LINKED_ACCOUNT");
    expectProblem(await statement(s), 404, "NO_LINKED_ACCOUNT");
    expect(await snapshot()).toEqual(before);
  });
});

describe("statement", () => {
  it("is the bank's statement, newest first, page by page", async () => {
    const s = await h.session();
    const acct = await b.openAccount({ balance: 50_000 });
    expect((await link(s, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
    for (const amount of [2_000, 3_000])
      await b.asUsers(bank.Deposit, { accountId: acct.accountId, amount, key: `dep-${randomUUID()}` });

    const first = await statement(s, "?limit=2");
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((e: { amount: number }) => e.amount)).toEqual([3_000, 2_000]);
    expect(first.json().nextCursor).toEqual(expect.any(String));
    const second = await statement(s, `?limit=2&cursor=${encodeURIComponent(first.json().nextCursor)}`);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().items.map((e: { amount: number }) => e.amount)).toEqual([50_000]);
    expect(second.json().nextCursor).toBeNull();
    expect((await statement(s)).json().items).toHaveLength(3);

    expectProblem(await statement(s, "?cursor=not-a-cursor"), 400, "VALIDATION_FAILED");
  });
});

describe("demo accounts (DEMO_BANK)", () => {
  it("opens a funded account in the user's name and links it; a replay opens nothing new", async () => {
    const s = await h.session({ username: "Park Demo" });
    const key = randomUUID();
    const r1 = await demo(s, "2468", key);
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json()).toMatchObject({
      holderName: "Park Demo",
      status: "ACTIVE",
      posted: OPENING,
      held: 0,
      available: OPENING,
    });
    const r2 = await demo(s, "2468", key);
    expect(r2.statusCode, r2.body).toBe(201);
    expect(r2.json()).toEqual(r1.json());
    expect(await eventsOf(LINKED, s.id)).toHaveLength(1);
    expect((await eventsOf(LINKED, s.id))[0]!.payload.data.demo).toBe(true);
    const accountId = r1.json().accountId as string;
    expect((await linkOf(s.id))?.account_id).toBe(accountId);
    expect((await b.asUsers(bank.Statement, { accountId })).items).toHaveLength(1);

    // Renaming the user does not break a replay (it carries the name the account was opened with).
    await h.db.updateTable("app_user").set({ username: "Renamed" }).where("id", "=", s.id).execute();
    expect((await demo(s, "2468", key)).json()).toEqual(r1.json());

    const before = await snapshot();
    expectProblem(await demo(s, "2468", randomUUID()), 409, "BANK_ACCOUNT_ALREADY_LINKED");
    // The bank leaves the PIN out of the replay comparison (a PIN never sits in a fast hash): a replay
    // with another PIN answers the first request's account and changes nothing, not even its PIN.
    expect((await demo(s, "1357", key)).json()).toEqual(r1.json());
    expect(await snapshot()).toEqual(before);
    // The PIN of the first request is the account's PIN at the bank (verified before the 409).
    const other = await h.session();
    expectProblem(
      await link(other, { accountNumber: r1.json().number, pin: "2468" }),
      409,
      "ACCOUNT_LINKED_TO_ANOTHER_USER",
    );
  });

  it("concurrent requests with one key open and link one account", async () => {
    const s = await h.session();
    const key = randomUUID();
    const all = await Promise.all([demo(s, "1111", key), demo(s, "1111", key), demo(s, "1111", key)]);
    for (const r of all) expect(r.statusCode, r.body).toBe(201);
    expect(new Set(all.map((r) => r.json().accountId)).size).toBe(1);
    expect(await eventsOf(LINKED, s.id)).toHaveLength(1);
  });

  it("two users sending the same Idempotency-Key get their own accounts", async () => {
    const [u1, u2] = [await h.session(), await h.session()];
    const key = "same-key-for-both";
    const [r1, r2] = [await demo(u1, "1234", key), await demo(u2, "1234", key)];
    expect([r1.statusCode, r2.statusCode]).toEqual([201, 201]);
    expect(r1.json().accountId).not.toBe(r2.json().accountId);
  });

  it("top-up deposits once per key: same key, same answer, the balance goes up once", async () => {
    const s = await h.session();
    expect((await demo(s, "1234", randomUUID())).statusCode).toBe(201);
    const k1 = randomUUID();
    const t1 = await topUp(s, 5_000, k1);
    expect(t1.statusCode, t1.body).toBe(200);
    expect(t1.json()).toMatchObject({ posted: OPENING + 5_000, available: OPENING + 5_000 });
    const t1again = await topUp(s, 5_000, k1);
    expect(t1again.statusCode).toBe(200);
    expect(t1again.json()).toEqual(t1.json());
    expect((await get(s)).json().posted).toBe(OPENING + 5_000);

    expectProblem(await topUp(s, 7_000, k1), 409, "IDEMPOTENCY_KEY_REUSED");

    const k2 = randomUUID();
    const burst = await Promise.all([topUp(s, 1_000, k2), topUp(s, 1_000, k2), topUp(s, 1_000, k2)]);
    for (const r of burst) expect(r.statusCode, r.body).toBe(200);
    expect((await get(s)).json().posted).toBe(OPENING + 6_000);
  });

  it("top-up without a linked account is 404 NO_LINKED_ACCOUNT", async () => {
    const s = await h.session();
    expectProblem(await topUp(s, 1_000, randomUUID()), 404, "NO_LINKED_ACCOUNT");
  });

  it("switched off: 404 DEMO_DISABLED whatever the body, and nothing is opened", async () => {
    const off = await h.sibling({ bank: b.client(), demoBank: { enabled: false, openingBalance: OPENING } });
    const s = await h.session();
    const before = await snapshot();
    expectProblem(await demo(s, "1234", randomUUID(), off), 404, "DEMO_DISABLED");
    expectProblem(await demo(s, "not a pin", "k", off), 404, "DEMO_DISABLED");
    expectProblem(await topUp(s, 1_000, randomUUID(), off), 404, "DEMO_DISABLED");
    expectProblem(await topUp(s, -1, "", off), 404, "DEMO_DISABLED");
    expect(await snapshot()).toEqual(before);
    // The rest of the bank-account API stays on.
    expectProblem(await get(s, off), 404, "NO_LINKED_ACCOUNT");
    // No token is still 401, not 404: the demo switch does not tell strangers anything first.
    const anon = await off.inject({
      method: "POST",
      url: "/v1/me/bank-account/demo",
      payload: { pin: "1234" },
    });
    expect(anon.statusCode).toBe(401);
  });
});

describe("the bank is down or refuses us", () => {
  it("no responder: 503 BANK_UNAVAILABLE with Retry-After on every endpoint, and nothing changes", async () => {
    const down = await h.sibling({
      bank: createBankClient({
        bus: deadBus.bus,
        credentials: b.credentials.users,
        log: testLogger(),
        timeoutMs: 300,
      }),
      demoBank: { enabled: true, openingBalance: OPENING },
    });
    const linked = await h.session();
    const acct = await b.openAccount();
    expect((await link(linked, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
    const fresh = await h.session();
    const other = await b.openAccount();
    const before = await snapshot();

    const responses = [
      await link(fresh, { accountNumber: other.number, pin: other.pin }, down),
      await demo(fresh, "1234", randomUUID(), down),
      await get(linked, down),
      await unlink(linked, down),
      await statement(linked, "", down),
      await topUp(linked, 1_000, randomUUID(), down),
    ];
    for (const res of responses) {
      expectProblem(res, 503, "BANK_UNAVAILABLE");
      expect(res.headers["retry-after"]).toBe("5");
    }
    expect(await snapshot()).toEqual(before);
    expect((await b.balance(acct.accountId)).posted).toBe(50_000);
  });

  it("a wrong service secret or none: 503 BANK_UNAVAILABLE, never a 401, and no PIN is tried", async () => {
    const wrong = await h.sibling({
      bank: createBankClient({
        bus: b.bus,
        credentials: { service: "users", secret: "x".repeat(43) },
        log: testLogger(),
      }),
    });
    const none = await h.sibling({ bank: unconfiguredBankClient() });
    const s = await h.session();
    const acct = await b.openAccount();
    const before = await snapshot();
    for (const app of [wrong, none]) {
      expectProblem(await link(s, { accountNumber: acct.number, pin: "0000" }, app), 503, "BANK_UNAVAILABLE");
    }
    expect(await snapshot()).toEqual(before);
    const body = expectProblem(
      await link(s, { accountNumber: acct.number, pin: "0000" }),
      401,
      "PIN_INCORRECT",
    );
    // The refused calls counted no wrong PIN: four more wrong ones still leave the account unlocked.
    expect(body.error.details).toBeUndefined();
    for (let i = 0; i < 3; i++)
      expectProblem(await link(s, { accountNumber: acct.number, pin: "0000" }), 401, "PIN_INCORRECT");
    expect((await link(s, { accountNumber: acct.number, pin: acct.pin })).statusCode).toBe(201);
  });
});
