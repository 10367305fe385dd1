import { z } from "zod";
import { IdParams, page } from "./common.js";
import { defineEvent, type StreamSpec } from "./events.js";
import { defineOperations } from "./http.js";
import { IdempotencyKey, Won, WonOrZero } from "./money.js";
import { defineRpc } from "./rpc.js";

// ---------------------------------------------------------------------------------------------
// The partner bank: a double-entry ledger with two-phase holds (pending → captured | released).
// Called by the platform's services over signed NATS requests (ADR 0006); admins read it over HTTP.
// ---------------------------------------------------------------------------------------------

/** Accounts that exist from the start. Their ids are fixed so every service can name them. */
export const HOUSE_ACCOUNT_ID = "00000000-0000-4000-8000-000000000001";
export const CASH_ACCOUNT_ID = "00000000-0000-4000-8000-000000000002";

/** `1002-123-456789`: a 4-3-6 digit account number. */
export const AccountNumber = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{3}-\d{6}$/, "an account number like 1002-123-456789");
/** A 4–6 digit PIN. Stored only as a slow salted hash; 5 wrong tries lock the account. */
export const Pin = z.string().regex(/^\d{4,6}$/, "4 to 6 digits");
export const HolderName = z
  .string()
  .trim()
  .min(1)
  .max(50)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "no control characters");
export const Reference = z.string().trim().min(1).max(200);

export const AccountKind = z.enum(["CUSTOMER", "HOUSE", "CASH"]);
export const AccountStatus = z.enum(["ACTIVE", "LOCKED", "CLOSED"]);
export const TransferKind = z.enum(["DEPOSIT", "WITHDRAWAL", "TRANSFER", "CAPTURE", "REFUND"]);
export const HoldStatus = z.enum(["PENDING", "CAPTURED", "RELEASED"]);
export type AccountKindT = z.infer<typeof AccountKind>;
export type AccountStatusT = z.infer<typeof AccountStatus>;
export type TransferKindT = z.infer<typeof TransferKind>;
export type HoldStatusT = z.infer<typeof HoldStatus>;

export const Balance = z.object({
  accountId: z.uuid(),
  number: z.string(),
  holderName: z.string(),
  kind: AccountKind,
  status: AccountStatus,
  /** posted = credits − debits */
  posted: z.int(),
  /** the sum of pending holds */
  held: z.int(),
  /** posted − held: what a new hold may take */
  available: z.int(),
});
export type Balance = z.infer<typeof Balance>;

export const StatementEntry = z.object({
  transferId: z.uuid(),
  kind: TransferKind,
  /** Signed from the account's side: + credit, − debit. */
  amount: z.int(),
  counterpartyNumber: z.string(),
  reference: z.string().nullable(),
  at: z.iso.datetime(),
});

export const Hold = z.object({
  holdId: z.uuid(),
  accountId: z.uuid(),
  amount: Won,
  reference: z.string(),
  status: HoldStatus,
  capturedAmount: z.int().nullable(),
  createdAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
});

// ---- RPC (subject rpc.<name>, guarded: only listed services may call) ----

export const OpenAccount = defineRpc(
  "bank.open_account",
  z.strictObject({
    holderName: HolderName,
    pin: Pin,
    openingBalance: WonOrZero.default(0),
    key: IdempotencyKey,
  }),
  z.object({ accountId: z.uuid(), number: z.string() }),
);
export const Deposit = defineRpc(
  "bank.deposit",
  z.strictObject({ accountId: z.uuid(), amount: Won, reference: Reference.optional(), key: IdempotencyKey }),
  z.object({ transferId: z.uuid(), balance: Balance }),
);
export const Withdraw = defineRpc(
  "bank.withdraw",
  z.strictObject({ accountId: z.uuid(), amount: Won, reference: Reference.optional(), key: IdempotencyKey }),
  z.object({ transferId: z.uuid(), balance: Balance }),
);
export const GetBalance = defineRpc("bank.get_balance", z.strictObject({ accountId: z.uuid() }), Balance);
export const VerifyOwnership = defineRpc(
  "bank.verify_ownership",
  z.strictObject({ number: AccountNumber, pin: Pin }),
  z.object({ accountId: z.uuid(), holderName: z.string() }),
);
export const PlaceHold = defineRpc(
  "bank.hold",
  z.strictObject({ accountId: z.uuid(), amount: Won, reference: Reference, key: IdempotencyKey }),
  Hold,
);
export const ReleaseHold = defineRpc(
  "bank.release",
  z.strictObject({ holdId: z.uuid(), key: IdempotencyKey }),
  Hold,
);
export const CaptureHold = defineRpc(
  "bank.capture",
  z.strictObject({ holdId: z.uuid(), payeeAccountId: z.uuid(), amount: Won, key: IdempotencyKey }),
  Hold.extend({ transferId: z.uuid() }),
);
export const Transfer = defineRpc(
  "bank.transfer",
  z.strictObject({
    fromAccountId: z.uuid(),
    toAccountId: z.uuid(),
    amount: Won,
    kind: z.enum(["TRANSFER", "REFUND"]).default("TRANSFER"),
    reference: Reference,
    key: IdempotencyKey,
  }),
  z.object({ transferId: z.uuid() }),
);
export const Statement = defineRpc(
  "bank.statement",
  z.strictObject({
    accountId: z.uuid(),
    limit: z.int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  }),
  page(StatementEntry),
);
export const ListHolds = defineRpc(
  "bank.list_holds",
  z.strictObject({
    accountId: z.uuid().optional(),
    reference: Reference.optional(),
    status: HoldStatus.optional(),
    /** newest first; at most this many */
    limit: z.int().min(1).max(500).default(100),
  }),
  z.object({ items: z.array(Hold) }),
);

export const bankRpcs = [
  OpenAccount,
  Deposit,
  Withdraw,
  GetBalance,
  VerifyOwnership,
  PlaceHold,
  ReleaseHold,
  CaptureHold,
  Transfer,
  Statement,
  ListHolds,
] as const;

// ---- errors ----

export const BankErrors = {
  ACCOUNT_NOT_FOUND: 404,
  HOLD_NOT_FOUND: 404,
  INSUFFICIENT_FUNDS: 422,
  HOLD_ALREADY_ENDED: 409,
  CAPTURE_EXCEEDS_HOLD: 422,
  PIN_INCORRECT: 401,
  ACCOUNT_LOCKED: 423,
  ACCOUNT_NOT_ACTIVE: 409,
  SAME_ACCOUNT: 400,
  /** The operation does not apply to this kind of account (a hold on HOUSE, a transfer from CASH, …). */
  ACCOUNT_KIND_NOT_ALLOWED: 422,
  CURSOR_INVALID: 400,
  UNAUTHENTICATED: 401,
} as const;
export type BankErrorCode = keyof typeof BankErrors;

// ---- events (stream BANK, subjects bank.>) ----

export const BANK_STREAM: StreamSpec = { name: "BANK", subjects: ["bank.>"], maxAgeDays: 30 };

export const HoldPlacedV1 = defineEvent(
  "bank.hold.placed.v1",
  z.object({ holdId: z.uuid(), accountId: z.uuid(), amount: z.int(), reference: z.string() }),
);
export const HoldReleasedV1 = defineEvent(
  "bank.hold.released.v1",
  z.object({ holdId: z.uuid(), accountId: z.uuid(), amount: z.int(), reference: z.string() }),
);
export const HoldCapturedV1 = defineEvent(
  "bank.hold.captured.v1",
  z.object({
    holdId: z.uuid(),
    accountId: z.uuid(),
    payeeAccountId: z.uuid(),
    captured: z.int(),
    released: z.int(),
    transferId: z.uuid(),
    reference: z.string(),
  }),
);
export const bankEvents = [HoldPlacedV1, HoldReleasedV1, HoldCapturedV1] as const;

// ---- HTTP (admin; public path /api/bank + path) ----

export const AdminAccountListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  kind: AccountKind.optional(),
  status: AccountStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const JournalQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const LedgerCheck = z.object({
  ok: z.boolean(),
  /** Σ posted over every account: 0 in a double-entry ledger. */
  sumOfAllBalances: z.int(),
  /** deposits − withdrawals, from the journal */
  netDeposits: z.int(),
  /** Σ posted over customer and house accounts: must equal netDeposits */
  customerAndHouseBalances: z.int(),
  /** accounts whose stored balance differs from their journal */
  mismatchedAccounts: z.array(z.object({ accountId: z.uuid(), stored: z.int(), journal: z.int() })),
  /** accounts whose available balance is negative (never allowed but for CASH) */
  negativeAvailable: z.array(z.uuid()),
  /** accounts whose stored held differs from their pending holds */
  mismatchedHolds: z.array(z.object({ accountId: z.uuid(), stored: z.int(), pending: z.int() })),
  checkedAt: z.iso.datetime(),
});

export const bankOperations = defineOperations({
  adminListAccounts: {
    id: "adminListAccounts",
    method: "GET",
    path: "/v1/admin/accounts",
    access: "admin",
    summary: "List bank accounts with balances",
    query: AdminAccountListQuery,
    responses: { 200: page(Balance) },
  },
  adminAccountJournal: {
    id: "adminAccountJournal",
    method: "GET",
    path: "/v1/admin/accounts/:id/journal",
    access: "admin",
    summary: "An account's journal, newest first",
    params: IdParams,
    query: JournalQuery,
    responses: { 200: page(StatementEntry) },
  },
  adminLedgerCheck: {
    id: "adminLedgerCheck",
    method: "GET",
    path: "/v1/admin/ledger/check",
    access: "admin",
    summary: "Check the ledger: balances against the journal, deposits minus withdrawals, holds",
    responses: { 200: LedgerCheck },
  },
});
