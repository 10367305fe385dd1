import { AppError } from "@arte/platform";
import { describe, expect, it } from "vitest";
import { toUserError } from "./bank.client.js";

const bankError = (code: string, status: number, details?: unknown) =>
  new AppError(code, status, `bank says ${code}`, details);

describe("toUserError: bank failures in this service's codes", () => {
  it("a bank that does not answer is 503 BANK_UNAVAILABLE with Retry-After, an outage not a bug", () => {
    const { error, unexpected } = toUserError(bankError("SERVICE_UNAVAILABLE", 503, { cause: "timeout" }));
    expect(error).toMatchObject({ code: "BANK_UNAVAILABLE", status: 503, details: undefined });
    expect(error.headers).toEqual({ "retry-after": "5" });
    expect(unexpected).toBe(false);
  });

  it("keeps PIN_INCORRECT but none of the bank's details (attemptsLeft would mark the account as existing)", () => {
    const { error } = toUserError(bankError("PIN_INCORRECT", 401, { attemptsLeft: 3, internal: "x" }));
    expect(error).toMatchObject({ code: "PIN_INCORRECT", status: 401 });
    expect(error.details).toBeUndefined();
  });

  it("keeps ACCOUNT_LOCKED as 423", () => {
    expect(toUserError(bankError("ACCOUNT_LOCKED", 423)).error).toMatchObject({
      code: "ACCOUNT_LOCKED",
      status: 423,
    });
  });

  it.each([
    ["ACCOUNT_NOT_FOUND", 404, "NOT_FOUND", 404],
    ["ACCOUNT_NOT_ACTIVE", 409, "CONFLICT", 409],
    ["ACCOUNT_KIND_NOT_ALLOWED", 403, "CONFLICT", 409],
    ["CURSOR_INVALID", 400, "VALIDATION_FAILED", 400],
    ["IDEMPOTENCY_KEY_REUSED", 409, "IDEMPOTENCY_KEY_REUSED", 409],
    ["VALIDATION_FAILED", 400, "VALIDATION_FAILED", 400],
  ])("%s (%i) → %s (%i)", (code, status, ours, ourStatus) => {
    const { error, unexpected } = toUserError(bankError(code, status));
    expect(error).toMatchObject({ code: ours, status: ourStatus });
    expect(unexpected).toBe(false);
  });

  it("a refused signature is our misconfiguration: 503 and logged, never a 401 the web app would read as a dead session", () => {
    const { error, unexpected } = toUserError(bankError("UNAUTHENTICATED", 401));
    expect(error).toMatchObject({ code: "BANK_UNAVAILABLE", status: 503 });
    expect(unexpected).toBe(true);
  });

  it.each([
    bankError("INTERNAL", 500),
    bankError("SOMETHING_NEW", 418),
    new Error("response does not match the contract"),
    "a string",
  ])("anything else is 503 BANK_UNAVAILABLE and unexpected (%s)", (err) => {
    const { error, unexpected } = toUserError(err);
    expect(error).toMatchObject({ code: "BANK_UNAVAILABLE", status: 503 });
    expect(unexpected).toBe(true);
  });
});
