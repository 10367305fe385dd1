import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { AnyExecutor, PlatformTables } from "../db/platform-migrations.js";
import { fail } from "../errors.js";

/** A stable hash of a request's meaningful arguments (keys sorted). */
export function requestHash(value: unknown): string {
  const canon = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
        )
      : Array.isArray(v)
        ? v.map(canon)
        : v;
  return createHash("sha256")
    .update(JSON.stringify(canon(value)))
    .digest("hex");
}

/**
 * Runs `fn` once per `(scope, key)` on the caller's transaction and stores its result with the key.
 * The key row is inserted first: a concurrent request with the same key blocks on it until this
 * transaction ends, then reads the stored result (no check-then-insert race). The same key with other
 * arguments is refused with 409 IDEMPOTENCY_KEY_REUSED.
 */
export async function idempotent<T>(
  trx: AnyExecutor,
  opts: { scope: string; key: string; request: unknown },
  fn: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const db = trx as unknown as Kysely<PlatformTables>;
  // On the pool the key row would commit before `fn` runs: a concurrent caller would then read an
  // empty response, and a failing `fn` would burn the key. The transaction is what makes this safe.
  if (!db.isTransaction) throw new Error("idempotent() must run inside the caller's transaction");
  const hash = requestHash(opts.request);
  const inserted = await db
    .insertInto("idempotency_key")
    .values({ scope: opts.scope, key: opts.key, request_hash: hash, response: null, status: null })
    .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  if (!inserted) {
    const prior = await db
      .selectFrom("idempotency_key")
      .select(["request_hash", "response"])
      .where("scope", "=", opts.scope)
      .where("key", "=", opts.key)
      .executeTakeFirstOrThrow();
    if (prior.request_hash !== hash) {
      throw fail("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used with different arguments");
    }
    return { result: prior.response as T, replayed: true };
  }
  const result = await fn();
  await db
    .updateTable("idempotency_key")
    .set({ response: JSON.stringify(result ?? null), status: 200 })
    .where("scope", "=", opts.scope)
    .where("key", "=", opts.key)
    .execute();
  return { result, replayed: false };
}
