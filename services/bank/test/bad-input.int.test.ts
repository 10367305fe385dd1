import { randomUUID } from "node:crypto";
import { bank, HOUSE_ACCOUNT_ID, type RpcSpec } from "@arte/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Bank, type Caller, codeOf, key, startBank } from "./harness.js";

/** Bad input gets a clear 4xx code and changes nothing (DESIGN invariant 8). */
let h: Bank;
let acct: { accountId: string; number: string };
let holdId: string;
beforeAll(async () => {
  h = await startBank();
  acct = await h.openAccount(10_000);
  holdId = (
    await h.call("auction", bank.PlaceHold, {
      accountId: acct.accountId,
      amount: 1_000,
      reference: "lot",
      key: key(),
    })
  ).holdId;
});
afterAll(async () => {
  await h?.close();
});

async function refused(caller: Caller, spec: RpcSpec, req: unknown, code?: string) {
  const before = await h.snapshot();
  const e = await codeOf(h.call(caller, spec, req as never));
  expect(e.status, JSON.stringify({ req, e })).toBeGreaterThanOrEqual(400);
  expect(e.status, JSON.stringify({ req, e })).toBeLessThan(500);
  if (code) expect(e.code, JSON.stringify(req)).toBe(code);
  expect(await h.snapshot()).toEqual(before);
}

const badAmounts: unknown[] = [
  0,
  -1,
  -10_000,
  1.5,
  0.01,
  "100",
  "abc",
  null,
  true,
  [],
  {},
  2 ** 53,
  2 ** 53 + 2,
  1e300,
  Number.NaN,
];

it("refuses bad amounts on every money RPC with VALIDATION_FAILED", async () => {
  for (const amount of badAmounts) {
    await refused(
      "users",
      bank.Deposit,
      { accountId: acct.accountId, amount, key: key() },
      "VALIDATION_FAILED",
    );
    await refused(
      "users",
      bank.Withdraw,
      { accountId: acct.accountId, amount, key: key() },
      "VALIDATION_FAILED",
    );
    await refused(
      "auction",
      bank.PlaceHold,
      { accountId: acct.accountId, amount, reference: "r", key: key() },
      "VALIDATION_FAILED",
    );
    await refused(
      "payment",
      bank.CaptureHold,
      { holdId, payeeAccountId: HOUSE_ACCOUNT_ID, amount, key: key() },
      "VALIDATION_FAILED",
    );
    await refused(
      "payment",
      bank.Transfer,
      { fromAccountId: acct.accountId, toAccountId: HOUSE_ACCOUNT_ID, amount, reference: "r", key: key() },
      "VALIDATION_FAILED",
    );
  }
});

it("refuses malformed ids, keys, PINs, names and unknown fields", async () => {
  await refused("users", bank.Deposit, { accountId: "1", amount: 1, key: key() }, "VALIDATION_FAILED");
  await refused(
    "users",
    bank.Deposit,
    { accountId: acct.accountId, amount: 1, key: "short" },
    "VALIDATION_FAILED",
  );
  await refused(
    "users",
    bank.Deposit,
    { accountId: acct.accountId, amount: 1, key: "has spaces in it" },
    "VALIDATION_FAILED",
  );
  await refused("users", bank.Deposit, { accountId: acct.accountId, amount: 1 }, "VALIDATION_FAILED");
  await refused(
    "users",
    bank.Deposit,
    { accountId: acct.accountId, amount: 1, key: key(), extra: 1 },
    "VALIDATION_FAILED",
  );
  await refused("users", bank.OpenAccount, { holderName: "", pin: "1234", key: key() }, "VALIDATION_FAILED");
  await refused(
    "users",
    bank.OpenAccount,
    { holderName: "A\u0000B", pin: "1234", key: key() },
    "VALIDATION_FAILED",
  );
  await refused("users", bank.OpenAccount, { holderName: "A", pin: "12a4", key: key() }, "VALIDATION_FAILED");
  await refused("users", bank.OpenAccount, { holderName: "A", pin: "123", key: key() }, "VALIDATION_FAILED");
  await refused(
    "users",
    bank.OpenAccount,
    { holderName: "A", pin: "1234", openingBalance: -5, key: key() },
    "VALIDATION_FAILED",
  );
  await refused("users", bank.VerifyOwnership, { number: "12345", pin: "1234" }, "VALIDATION_FAILED");
  await refused("users", bank.Statement, { accountId: acct.accountId, limit: 0 }, "VALIDATION_FAILED");
  await refused("users", bank.Statement, { accountId: acct.accountId, cursor: "%%%" }, "CURSOR_INVALID");
});

it("refuses unknown accounts and holds with a 404 code", async () => {
  await refused(
    "users",
    bank.Deposit,
    { accountId: randomUUID(), amount: 1, key: key() },
    "ACCOUNT_NOT_FOUND",
  );
  await refused(
    "users",
    bank.Withdraw,
    { accountId: randomUUID(), amount: 1, key: key() },
    "ACCOUNT_NOT_FOUND",
  );
  await refused("users", bank.GetBalance, { accountId: randomUUID() }, "ACCOUNT_NOT_FOUND");
  await refused("users", bank.Statement, { accountId: randomUUID() }, "ACCOUNT_NOT_FOUND");
  await refused(
    "auction",
    bank.PlaceHold,
    { accountId: randomUUID(), amount: 1, reference: "r", key: key() },
    "ACCOUNT_NOT_FOUND",
  );
  await refused(
    "auction",
    bank.PlaceHold,
    { accountId: HOUSE_ACCOUNT_ID, amount: 1, reference: "r", key: key() },
    "ACCOUNT_KIND_NOT_ALLOWED",
  );
  await refused("auction", bank.ReleaseHold, { holdId: randomUUID(), key: key() }, "HOLD_NOT_FOUND");
  await refused(
    "payment",
    bank.CaptureHold,
    { holdId: randomUUID(), payeeAccountId: HOUSE_ACCOUNT_ID, amount: 1, key: key() },
    "HOLD_NOT_FOUND",
  );
  await refused(
    "users",
    bank.VerifyOwnership,
    { number: "1002-000-000000", pin: "1234" },
    "ACCOUNT_NOT_FOUND",
  );
});

it("a wrong PIN is a clear 401 that changes nothing but the attempt counter", async () => {
  const before = await h.snapshot();
  const e = await codeOf(h.call("users", bank.VerifyOwnership, { number: acct.number, pin: "0000" }));
  expect(e).toMatchObject({ code: "PIN_INCORRECT", status: 401, details: { attemptsLeft: 4 } });
  const after = await h.snapshot();
  const strip = (s: typeof before) => ({
    ...s,
    accounts: s.accounts.map(({ failed_pin_attempts: _f, updated_at: _u, ...rest }) => rest),
  });
  expect(strip(after)).toEqual(strip(before));
});
