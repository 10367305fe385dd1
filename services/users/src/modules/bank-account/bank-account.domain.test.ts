import { bank, IdempotencyKey, users } from "@arte/contracts";
import { describe, expect, it } from "vitest";
import { bankKey, toMyBankAccount } from "./bank-account.domain.js";

const user = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const other = "0e0b5f5e-5c1e-4c65-9c8f-1c7bd1e1a0a1";

describe("bankKey", () => {
  it("is stable for the same user, purpose and client key", () => {
    expect(bankKey("top-up", user, "k-12345678")).toBe(bankKey("top-up", user, "k-12345678"));
  });

  it("differs by user, by purpose and by client key", () => {
    const k = bankKey("top-up", user, "k-12345678");
    expect(bankKey("top-up", other, "k-12345678")).not.toBe(k);
    expect(bankKey("demo-open", user, "k-12345678")).not.toBe(k);
    expect(bankKey("top-up", user, "k-12345679")).not.toBe(k);
  });

  it("is a valid bank idempotency key even for the longest client key", () => {
    const longest = "x".repeat(100);
    for (const purpose of ["top-up", "demo-open"] as const)
      expect(IdempotencyKey.safeParse(bankKey(purpose, user, longest)).success).toBe(true);
  });
});

describe("toMyBankAccount", () => {
  it("is the bank's balance without the kind, plus linkedAt, and matches the contract", () => {
    const b = bank.Balance.parse({
      accountId: user,
      number: "1002-123-456789",
      holderName: "Kim Minji",
      kind: "CUSTOMER",
      status: "ACTIVE",
      posted: 10_000,
      held: 2_500,
      available: 7_500,
    });
    const view = toMyBankAccount(b, new Date("2026-01-02T03:04:05.000Z"));
    expect(view).toEqual({
      accountId: user,
      number: "1002-123-456789",
      holderName: "Kim Minji",
      status: "ACTIVE",
      posted: 10_000,
      held: 2_500,
      available: 7_500,
      linkedAt: "2026-01-02T03:04:05.000Z",
    });
    expect(users.MyBankAccount.parse(view)).toEqual(view);
  });
});
