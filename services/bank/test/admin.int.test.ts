import { randomUUID } from "node:crypto";
import { bank, CASH_ACCOUNT_ID, HOUSE_ACCOUNT_ID } from "@arte/contracts";
import { createTestKeys, testLogger } from "@arte/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { type Bank, key, startBank } from "./harness.js";

let h: Bank;
let keys: Awaited<ReturnType<typeof createTestKeys>>;
let app: Awaited<ReturnType<typeof buildApp>>;
const opened: { accountId: string; number: string }[] = [];

beforeAll(async () => {
  [h, keys] = await Promise.all([startBank(), createTestKeys()]);
  app = await buildApp({ db: h.db, bank: h.bank, verifier: keys.verifier, log: testLogger("bank") });
  for (let i = 0; i < 7; i++)
    opened.push(await h.openAccount(1_000 * (i + 1), i % 2 ? "Choi Yuna" : "Jung Hoseok"));
  const a = opened[0]!.accountId;
  for (let i = 0; i < 5; i++)
    await h.call("users", bank.Deposit, { accountId: a, amount: 100 + i, key: key() });
  const hold = await h.call("auction", bank.PlaceHold, {
    accountId: a,
    amount: 300,
    reference: "lot-9",
    key: key(),
  });
  await h.call("payment", bank.CaptureHold, {
    holdId: hold.holdId,
    payeeAccountId: HOUSE_ACCOUNT_ID,
    amount: 250,
    key: key(),
  });
  await h.call("auction", bank.PlaceHold, {
    accountId: opened[1]!.accountId,
    amount: 500,
    reference: "lot-9",
    key: key(),
  });
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const token = (role: "USER" | "ADMIN") =>
  keys.signer.sign({ sub: randomUUID(), role, sid: randomUUID(), ev: true });
const get = async (url: string, role?: "USER" | "ADMIN") =>
  app.inject({ method: "GET", url, headers: role ? { authorization: `Bearer ${await token(role)}` } : {} });

it("is for admins only: 401 without a token, 403 for a user", async () => {
  for (const url of [
    "/v1/admin/accounts",
    `/v1/admin/accounts/${HOUSE_ACCOUNT_ID}/journal`,
    "/v1/admin/ledger/check",
  ]) {
    const anon = await get(url);
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ code: "UNAUTHENTICATED", requestId: expect.any(String) });
    const user = await get(url, "USER");
    expect(user.statusCode).toBe(403);
    expect(user.json().code).toBe("FORBIDDEN");
  }
});

it("lists accounts with balances, filtered and paged by cursor without gaps or repeats", async () => {
  const all: bank.Balance[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/v1/admin/accounts?limit=3${cursor ? `&cursor=${cursor}` : ""}`, "ADMIN");
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: bank.Balance[]; nextCursor: string | null };
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  expect(all).toHaveLength(9); // 7 customers + HOUSE + CASH
  expect(new Set(all.map((a) => a.accountId)).size).toBe(9);
  const first = all.find((a) => a.accountId === opened[1]!.accountId)!;
  expect(first).toMatchObject({ posted: 2_000, held: 500, available: 1_500, kind: "CUSTOMER" });

  const choi = (await get("/v1/admin/accounts?q=choi", "ADMIN")).json();
  expect(choi.items).toHaveLength(3);
  const byNumber = (await get(`/v1/admin/accounts?q=${opened[2]!.number}`, "ADMIN")).json();
  expect(byNumber.items.map((a: bank.Balance) => a.accountId)).toEqual([opened[2]!.accountId]);
  const cash = (await get("/v1/admin/accounts?kind=CASH", "ADMIN")).json();
  expect(cash.items.map((a: bank.Balance) => a.accountId)).toEqual([CASH_ACCOUNT_ID]);
  expect((await get("/v1/admin/accounts?status=LOCKED", "ADMIN")).json().items).toEqual([]);
  // % and _ are literals in q
  expect((await get("/v1/admin/accounts?q=%25", "ADMIN")).json().items).toEqual([]);
});

it("shows an account's journal newest first with a cursor", async () => {
  const a = opened[0]!.accountId;
  const seen: { kind: string; amount: number }[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(
      `/v1/admin/accounts/${a}/journal?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      "ADMIN",
    );
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { kind: string; amount: number }[]; nextCursor: string | null };
    seen.push(...body.items.map((i) => ({ kind: i.kind, amount: i.amount })));
    cursor = body.nextCursor;
  } while (cursor);
  expect(seen).toEqual([
    { kind: "CAPTURE", amount: -250 },
    { kind: "DEPOSIT", amount: 104 },
    { kind: "DEPOSIT", amount: 103 },
    { kind: "DEPOSIT", amount: 102 },
    { kind: "DEPOSIT", amount: 101 },
    { kind: "DEPOSIT", amount: 100 },
    { kind: "DEPOSIT", amount: 1_000 },
  ]);
  expect((await get(`/v1/admin/accounts/${randomUUID()}/journal`, "ADMIN")).json().code).toBe(
    "ACCOUNT_NOT_FOUND",
  );
  const bad = await get(`/v1/admin/accounts/${a}/journal?cursor=nope!`, "ADMIN");
  expect([bad.statusCode, bad.json().code]).toEqual([400, "CURSOR_INVALID"]);
  expect((await get("/v1/admin/accounts/not-a-uuid/journal", "ADMIN")).statusCode).toBe(400);
});

it("checks the ledger, and notices a balance that disagrees with the journal", async () => {
  const res = await get("/v1/admin/ledger/check", "ADMIN");
  expect(res.statusCode).toBe(200);
  const ok = res.json();
  expect(ok).toMatchObject({
    ok: true,
    sumOfAllBalances: 0,
    mismatchedAccounts: [],
    negativeAvailable: [],
    mismatchedHolds: [],
  });
  expect(ok.netDeposits).toBe(ok.customerAndHouseBalances);
  expect(ok.netDeposits).toBe(28_000 + 510);

  // Tamper with a stored balance (as a buggy deploy might): the check must say so.
  const victim = opened[3]!.accountId;
  await sql`update account set posted = posted + 1, held = held + 1 where id = ${victim}`.execute(h.db);
  try {
    const bad = (await get("/v1/admin/ledger/check", "ADMIN")).json();
    expect(bad.ok).toBe(false);
    expect(bad.sumOfAllBalances).toBe(1);
    expect(bad.mismatchedAccounts).toEqual([{ accountId: victim, stored: 4_001, journal: 4_000 }]);
    expect(bad.mismatchedHolds).toEqual([{ accountId: victim, stored: 1, pending: 0 }]);
  } finally {
    await sql`update account set posted = posted - 1, held = held - 1 where id = ${victim}`.execute(h.db);
  }
});

it("keeps the journal append-only and balances within their constraints", async () => {
  await expect(sql`update transfer set amount = amount + 1`.execute(h.db)).rejects.toThrow(/append-only/);
  await expect(sql`delete from transfer`.execute(h.db)).rejects.toThrow(/append-only/);
  await expect(
    sql`update account set posted = -1 where id = ${opened[4]!.accountId}`.execute(h.db),
  ).rejects.toThrow(/account_available_nonnegative/);
  await expect(
    sql`update account set held = posted + 1 where id = ${opened[4]!.accountId}`.execute(h.db),
  ).rejects.toThrow(/account_available_nonnegative/);
  expect((await h.admin.ledgerCheck()).ok).toBe(true);
});

it("serves health and readiness", async () => {
  expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toMatchObject({
    status: "ok",
    service: "bank",
  });
});
