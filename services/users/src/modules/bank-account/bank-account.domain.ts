import { createHash } from "node:crypto";
import type { bank, users } from "@arte/contracts";
import type { z } from "zod";

export type BankKeyPurpose = "demo-open" | "top-up";

/**
 * The bank idempotency key of a user's command: the client's `Idempotency-Key` bound to the user and the
 * purpose, hashed (a UUID user id plus a 100-character client key would not fit the bank's 100, and two
 * users choosing the same key must never share a bank operation). Same inputs → same key, always.
 */
export function bankKey(purpose: BankKeyPurpose, userId: string, clientKey: string): string {
  const h = createHash("sha256").update(`${purpose}\n${userId}\n${clientKey}`).digest("base64url");
  return `users.${purpose}.${h}`;
}

/** The view of my linked account: the bank's balance (without the account kind) and when I linked it. */
export function toMyBankAccount(
  b: z.output<typeof bank.Balance>,
  linkedAt: Date,
): z.input<typeof users.MyBankAccount> {
  return {
    accountId: b.accountId,
    number: b.number,
    holderName: b.holderName,
    status: b.status,
    posted: b.posted,
    held: b.held,
    available: b.available,
    linkedAt: linkedAt.toISOString(),
  };
}
