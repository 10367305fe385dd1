import { bank, CASH_ACCOUNT_ID, HOUSE_ACCOUNT_ID } from "@arte/contracts";
import { describe, expect, it } from "vitest";
import { BankEnv } from "../../config.js";
import { hashPin, verifyPin } from "../../lib/pin.js";
import { BANK_RPC_ALLOW } from "../rpc/callers.js";
import {
  afterWrongPin,
  decodeNumberCursor,
  decodeSeqCursor,
  encodeNumberCursor,
  encodeSeqCursor,
  inLockOrder,
  ledgerOk,
  newAccountNumber,
  splitCapture,
} from "./ledger.domain.js";

describe("account numbers", () => {
  it("are 4-3-6 digits, random", () => {
    const many = Array.from({ length: 200 }, () => newAccountNumber());
    for (const n of many) expect(n).toMatch(/^1002-\d{3}-\d{6}$/);
    expect(new Set(many).size).toBeGreaterThan(195);
    expect(newAccountNumber(() => 7)).toBe("1002-777-777777");
  });
});

describe("PIN lockout", () => {
  it("locks on the 5th wrong PIN", () => {
    expect(afterWrongPin(0)).toEqual({ failed: 1, attemptsLeft: 4, locks: false });
    expect(afterWrongPin(3)).toEqual({ failed: 4, attemptsLeft: 1, locks: false });
    expect(afterWrongPin(4)).toEqual({ failed: 5, attemptsLeft: 0, locks: true });
  });
  it("hashes with scrypt and a per-account salt", async () => {
    const p = { N: 2 ** 10, r: 8, p: 1 };
    const [a, b] = [await hashPin("1234", p), await hashPin("1234", p)];
    expect(a).not.toBe(b);
    expect(await verifyPin("1234", a)).toBe(true);
    expect(await verifyPin("1235", a)).toBe(false);
    expect(await verifyPin("1234", null)).toBe(false);
    expect(await verifyPin("1234", "scrypt$x")).toBe(false);
  });
});

describe("lock order", () => {
  it("takes customers by id, then HOUSE, then CASH, whatever the input order", () => {
    const ids = [
      CASH_ACCOUNT_ID,
      "ffffffff-0000-4000-8000-000000000000",
      HOUSE_ACCOUNT_ID,
      "00000000-1111-4000-8000-000000000000",
    ];
    const sorted = inLockOrder(ids.map((accountId) => ({ accountId }))).map((x) => x.accountId);
    expect(sorted).toEqual([
      "00000000-1111-4000-8000-000000000000",
      "ffffffff-0000-4000-8000-000000000000",
      HOUSE_ACCOUNT_ID,
      CASH_ACCOUNT_ID,
    ]);
    expect(
      inLockOrder([...ids].reverse().map((accountId) => ({ accountId }))).map((x) => x.accountId),
    ).toEqual(sorted);
  });
});

describe("capture", () => {
  it("captures up to the hold and releases the rest", () => {
    expect(splitCapture(1000, 1000)).toEqual({ captured: 1000, released: 0 });
    expect(splitCapture(1000, 600)).toEqual({ captured: 600, released: 400 });
    expect(() => splitCapture(1000, 1001)).toThrow(RangeError);
    expect(() => splitCapture(1000, 0)).toThrow(RangeError);
    expect(() => splitCapture(1000, 1.5)).toThrow(RangeError);
  });
});

describe("cursors", () => {
  it("round-trip and refuse anything else", () => {
    expect(decodeSeqCursor(encodeSeqCursor(42))).toBe(42);
    expect(decodeNumberCursor(encodeNumberCursor("1002-123-456789"))).toBe("1002-123-456789");
    for (const bad of [
      "",
      "!!",
      "e30",
      Buffer.from('{"s":-1}').toString("base64url"),
      Buffer.from('{"s":1.5}').toString("base64url"),
    ])
      expect(decodeSeqCursor(bad)).toBeNull();
    expect(decodeNumberCursor(Buffer.from('{"n":"x\' or 1=1"}').toString("base64url"))).toBeNull();
  });
});

describe("ledger verdict", () => {
  const good = {
    sumOfAllBalances: 0,
    netDeposits: 10,
    customerAndHouseBalances: 10,
    mismatchedAccounts: [],
    negativeAvailable: [],
    mismatchedHolds: [],
  };
  it("is ok only when every figure agrees", () => {
    expect(ledgerOk(good)).toBe(true);
    expect(ledgerOk({ ...good, sumOfAllBalances: 1 })).toBe(false);
    expect(ledgerOk({ ...good, netDeposits: 11 })).toBe(false);
    expect(ledgerOk({ ...good, mismatchedHolds: [{}] })).toBe(false);
    expect(ledgerOk({ ...good, negativeAvailable: ["x"] })).toBe(false);
  });
});

describe("RPC guard table", () => {
  it("names every bank RPC and nothing else", () => {
    expect(Object.keys(BANK_RPC_ALLOW).sort()).toEqual(bank.bankRpcs.map((r) => r.name).sort());
    for (const callers of Object.values(BANK_RPC_ALLOW)) expect(callers.length).toBeGreaterThan(0);
    expect(BANK_RPC_ALLOW["bank.capture"]).toEqual(["payment"]);
    expect(BANK_RPC_ALLOW["bank.hold"]).toEqual(["auction"]);
  });
});

describe("config", () => {
  const base = { AUTH_JWKS: '{"keys":[]}' };
  it("parses RPC_CALLERS and requires it in production", () => {
    expect(BankEnv.parse(base).RPC_CALLERS).toEqual({});
    const s = "x".repeat(32);
    expect(BankEnv.parse({ ...base, RPC_CALLERS: JSON.stringify({ users: s }) }).RPC_CALLERS).toEqual({
      users: s,
    });
    expect(BankEnv.safeParse({ ...base, RPC_CALLERS: "not json" }).success).toBe(false);
    expect(BankEnv.safeParse({ ...base, RPC_CALLERS: '{"users":"short"}' }).success).toBe(false);
    expect(BankEnv.safeParse({ ...base, NODE_ENV: "production" }).success).toBe(false);
    expect(
      BankEnv.safeParse({ ...base, NODE_ENV: "production", RPC_CALLERS: JSON.stringify({ users: s }) })
        .success,
    ).toBe(true);
  });
});
