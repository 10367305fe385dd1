import type { Kysely } from "kysely";
import type { AnyExecutor, PlatformTables } from "../db/platform-migrations.js";

/**
 * Claims `(consumer, messageId)` on the caller's transaction. True only the first time: call it first
 * in a consumer's transaction and stop when it returns false, so a redelivered event has no second effect.
 */
export async function claimInbox(trx: AnyExecutor, consumer: string, messageId: string): Promise<boolean> {
  const row = await (trx as unknown as Kysely<PlatformTables>)
    .insertInto("inbox")
    .values({ consumer, message_id: messageId })
    .onConflict((oc) => oc.columns(["consumer", "message_id"]).doNothing())
    .returning("message_id")
    .executeTakeFirst();
  return row !== undefined;
}

/** The same as {@link claimInbox}, under the name the style guide's snippets use (`inbox.claim`). */
export const inbox = { claim: claimInbox };
