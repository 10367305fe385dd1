import { randomInt } from "node:crypto";
import { CASH_ACCOUNT_ID, HOUSE_ACCOUNT_ID } from "@arte/contracts";

/** Pure rules of the ledger: no I/O here. */

/** Customer numbers: `1002-ddd-dddddd`, random (never a count: that raced and broke after deletes). */
export function newAccountNumber(rand: (max: number) => number = randomInt): string {
  const digits = (n: number) => Array.from({ length: n }, () => String(rand(10))).join("");
  return `1002-${digits(3)}-${digits(6)}`;
}

export const MAX_PIN_ATTEMPTS = 5;

/** What a wrong PIN leaves: attempts left, and whether this attempt locks the account. */
export function afterWrongPin(failedBefore: number): {
  failed: number;
  attemptsLeft: number;
  locks: boolean;
} {
  const failed = failedBefore + 1;
  return { failed, attemptsLeft: Math.max(0, MAX_PIN_ATTEMPTS - failed), locks: failed >= MAX_PIN_ATTEMPTS };
}

/**
 * The order in which a transaction locks account rows: customers by id, then HOUSE, then CASH. Any
 * fixed total order prevents deadlocks; putting the two shared, hot rows last keeps their row locks
 * for the shortest time (they are taken just before commit).
 */
export function lockRank(id: string): [number, string] {
  return [id === CASH_ACCOUNT_ID ? 2 : id === HOUSE_ACCOUNT_ID ? 1 : 0, id];
}
export function inLockOrder<T extends { accountId: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => {
    const [ra, ia] = lockRank(a.accountId);
    const [rb, ib] = lockRank(b.accountId);
    return ra - rb || (ia < ib ? -1 : ia > ib ? 1 : 0);
  });
}

export const available = (a: { posted: number; held: number }) => a.posted - a.held;

/** A capture for less than the hold releases the rest. */
export function splitCapture(holdAmount: number, capture: number): { captured: number; released: number } {
  if (!Number.isSafeInteger(capture) || capture <= 0 || capture > holdAmount)
    throw new RangeError("capture must be a positive amount no larger than the hold");
  return { captured: capture, released: holdAmount - capture };
}

/** Keyset cursors: opaque base64url of a JSON value; null when it is not one this service made. */
export const encodeSeqCursor = (seq: number) => Buffer.from(JSON.stringify({ s: seq })).toString("base64url");
export function decodeSeqCursor(raw: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { s?: unknown };
    return typeof v?.s === "number" && Number.isSafeInteger(v.s) && v.s > 0 ? v.s : null;
  } catch {
    return null;
  }
}
export const encodeNumberCursor = (n: string) => Buffer.from(JSON.stringify({ n })).toString("base64url");
export function decodeNumberCursor(raw: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { n?: unknown };
    return typeof v?.n === "string" && /^\d{4}-\d{3}-\d{6}$/.test(v.n) ? v.n : null;
  } catch {
    return null;
  }
}

/** The ledger check's verdict from its measured parts. */
export function ledgerOk(c: {
  sumOfAllBalances: number;
  netDeposits: number;
  customerAndHouseBalances: number;
  mismatchedAccounts: unknown[];
  negativeAvailable: unknown[];
  mismatchedHolds: unknown[];
}): boolean {
  return (
    c.sumOfAllBalances === 0 &&
    c.customerAndHouseBalances === c.netDeposits &&
    c.mismatchedAccounts.length === 0 &&
    c.negativeAvailable.length === 0 &&
    c.mismatchedHolds.length === 0
  );
}
