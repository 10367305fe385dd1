import { bank, type RpcSpec, users } from "@arte/contracts";
import {
  AppError,
  type Bus,
  callRpc,
  fail as failCommon,
  failWith,
  type Logger,
  type RpcCredentials,
} from "@arte/platform";
import type { z } from "zod";

const fail = failWith(users.UserErrors);

export type BankCall = { correlationId?: string | undefined };

/**
 * The bank, as this service uses it: signed NATS requests (ADR 0006) whose failures are already
 * translated into this service's error codes (see {@link toUserError}). Nothing is retried here: a
 * business error is final, and a timeout is the client's to retry (money operations carry keys).
 */
export type BankClient = {
  verifyOwnership(
    req: z.input<typeof bank.VerifyOwnership.request>,
    call?: BankCall,
  ): Promise<{
    accountId: string;
    holderName: string;
  }>;
  getBalance(accountId: string, call?: BankCall): Promise<z.output<typeof bank.Balance>>;
  statement(
    req: z.input<typeof bank.Statement.request>,
    call?: BankCall,
  ): Promise<z.output<typeof bank.Statement.response>>;
  openAccount(
    req: z.input<typeof bank.OpenAccount.request>,
    call?: BankCall,
  ): Promise<z.output<typeof bank.OpenAccount.response>>;
  deposit(
    req: z.input<typeof bank.Deposit.request>,
    call?: BankCall,
  ): Promise<z.output<typeof bank.Deposit.response>>;
};

export function createBankClient(deps: {
  bus: Bus;
  credentials: RpcCredentials;
  log: Logger;
  timeoutMs?: number;
}): BankClient {
  const call = async <S extends RpcSpec>(spec: S, req: z.input<S["request"]>, c: BankCall = {}) => {
    try {
      return await callRpc(deps.bus, spec, req, {
        timeoutMs: deps.timeoutMs ?? 3000,
        correlationId: c.correlationId,
        credentials: deps.credentials,
      });
    } catch (err) {
      const { error, unexpected } = toUserError(err);
      const log = deps.log.child({ rpc: spec.name, reqId: c.correlationId });
      if (unexpected) log.error({ err, code: error.code }, "bank call failed unexpectedly");
      else if (error.code === "BANK_UNAVAILABLE")
        log.warn({ cause: describe(err) }, "the bank did not answer");
      throw error;
    }
  };
  return {
    verifyOwnership: (req, c) => call(bank.VerifyOwnership, req, c),
    getBalance: (accountId, c) => call(bank.GetBalance, { accountId }, c),
    statement: (req, c) => call(bank.Statement, req, c),
    openAccount: (req, c) => call(bank.OpenAccount, req, c),
    deposit: (req, c) => call(bank.Deposit, req, c),
  };
}

/** A bank client for a process without SERVICE_SECRET: every call answers 503 BANK_UNAVAILABLE. */
export function unconfiguredBankClient(): BankClient {
  const no = async (): Promise<never> => {
    throw fail("BANK_UNAVAILABLE", "The bank is not configured for this service", undefined, {
      "retry-after": "60",
    });
  };
  return { verifyOwnership: no, getBalance: no, statement: no, openAccount: no, deposit: no };
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Only what the bank's PIN errors carry and a user may see. */
function pinDetails(details: unknown): { attemptsLeft?: number; lockedUntil?: string } | undefined {
  if (!details || typeof details !== "object") return undefined;
  const d = details as Record<string, unknown>;
  const out: { attemptsLeft?: number; lockedUntil?: string } = {};
  if (typeof d.attemptsLeft === "number") out.attemptsLeft = d.attemptsLeft;
  if (typeof d.lockedUntil === "string") out.lockedUntil = d.lockedUntil;
  return Object.keys(out).length ? out : undefined;
}

/**
 * Translates a failed bank call into this service's error (same meaning, our code table):
 * - no responder / timeout (SERVICE_UNAVAILABLE) → 503 BANK_UNAVAILABLE with Retry-After. This is a
 *   dependency outage, not a bug of ours: it is the one 5xx these endpoints answer on purpose.
 * - PIN_INCORRECT (401, without the bank's attemptsLeft) and ACCOUNT_LOCKED (423) → the same codes.
 * - ACCOUNT_NOT_FOUND → 404 NOT_FOUND; ACCOUNT_NOT_ACTIVE (closed) and ACCOUNT_KIND_NOT_ALLOWED (a
 *   house or cash account) → 409 CONFLICT; CURSOR_INVALID → 400 VALIDATION_FAILED; IDEMPOTENCY_KEY_REUSED
 *   and VALIDATION_FAILED (the bank read our caller's input as invalid) → the same common codes.
 * - UNAUTHENTICATED (the bank refused *our* signature: SERVICE_SECRET / RPC_CALLERS out of step), INTERNAL
 *   or anything unknown → 503 BANK_UNAVAILABLE and `unexpected` (logged at error). Never a 401: the web
 *   app would take it for an expired session.
 */
/** The answer to a wrong PIN and, when linking, to an unknown account number: the same for both. */
export const pinIncorrect = () => fail("PIN_INCORRECT", "The account number or PIN is incorrect");

export function toUserError(err: unknown): { error: AppError; unexpected: boolean } {
  const unavailable = (message: string) =>
    fail("BANK_UNAVAILABLE", message, undefined, { "retry-after": "5" });
  if (!(err instanceof AppError)) {
    return { error: unavailable("The bank answered something we could not read"), unexpected: true };
  }
  switch (err.code) {
    case "SERVICE_UNAVAILABLE":
      return { error: unavailable("The bank is not answering; try again shortly"), unexpected: false };
    case "PIN_INCORRECT":
      // No attemptsLeft: an answer that differs for an existing account would tell a stranger which
      // account numbers exist (the link path answers an unknown number with this same error).
      return { error: pinIncorrect(), unexpected: false };
    case "ACCOUNT_LOCKED":
      return {
        error: fail(
          "ACCOUNT_LOCKED",
          "The bank account is locked after too many wrong PINs; contact the bank",
          pinDetails(err.details),
        ),
        unexpected: false,
      };
    case "ACCOUNT_NOT_FOUND":
      return { error: failCommon("NOT_FOUND", "No bank account with this number"), unexpected: false };
    case "ACCOUNT_NOT_ACTIVE":
      return { error: failCommon("CONFLICT", "The bank account is not active"), unexpected: false };
    case "ACCOUNT_KIND_NOT_ALLOWED":
      return { error: failCommon("CONFLICT", "This bank account cannot be linked"), unexpected: false };
    case "CURSOR_INVALID":
      return { error: failCommon("VALIDATION_FAILED", "The cursor is invalid"), unexpected: false };
    case "IDEMPOTENCY_KEY_REUSED":
      return {
        error: failCommon("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for another request"),
        unexpected: false,
      };
    case "VALIDATION_FAILED":
      return {
        error: failCommon("VALIDATION_FAILED", "The bank refused the request as invalid"),
        unexpected: false,
      };
    default:
      return {
        error: unavailable("The bank could not handle the request; try again shortly"),
        unexpected: true,
      };
  }
}
