import { randomUUID } from "node:crypto";
import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { PaymentAttemptTable, PaymentDb } from "../../db/schema.js";

/** The record of every bank call payment makes: written before the call, finished after it. */
export const attemptsRepository = {
  async start(
    db: Executor<PaymentDb>,
    a: Pick<PaymentAttemptTable, "invoice_id" | "lot_id" | "kind" | "bank_reference" | "idempotency_key">,
  ) {
    const id = randomUUID();
    await db
      .insertInto("payment_attempt")
      .values({ id, ...a, outcome: "PENDING", error_code: null, error: null, finished_at: null })
      .execute();
    return id;
  },
  async finish(
    db: Executor<PaymentDb>,
    id: string,
    outcome: "SUCCEEDED" | "FAILED",
    failure?: { code: string; message: string },
  ) {
    await db
      .updateTable("payment_attempt")
      .set({
        outcome,
        error_code: failure?.code ?? null,
        error: failure?.message.slice(0, 500) ?? null,
        finished_at: sql<Date>`now()`,
      })
      .where("id", "=", id)
      .execute();
  },
};
