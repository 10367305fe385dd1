import { defineEvent } from "@arte/contracts";
import { z } from "zod";

// The brief names these as contract events, but `@arte/contracts` does not declare them yet. They are
// defined here, in the contract's style, until they move to `packages/contracts/src/users.ts`
// (`userEvents`): consumers must import them from there, not from this file.

/** A user linked a bank account (by number and PIN, or by opening a demo account). */
export const BankAccountLinkedV1 = defineEvent(
  "user.bank_account.linked.v1",
  z.object({ userId: z.uuid(), accountId: z.uuid(), accountNumber: z.string(), demo: z.boolean() }),
);

/** A user unlinked their bank account (only possible with no open holds). */
export const BankAccountUnlinkedV1 = defineEvent(
  "user.bank_account.unlinked.v1",
  z.object({ userId: z.uuid(), accountId: z.uuid() }),
);
