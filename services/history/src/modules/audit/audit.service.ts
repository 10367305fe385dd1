import type { BidAttempt, BidAttemptsQuery } from "@arte/contracts/history.js";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { HistoryDb } from "../../db/schema.js";
import { decodeCursor, encodeCursor } from "../../lib/cursor.js";
import { auditRepository as repo } from "./audit.repository.js";

const Cursor = z.object({ t: z.int().nonnegative(), i: z.uuid() });

/** The admin's audit of every bid attempt (user ids included: admins only). */
export function createAuditService(deps: { db: Kysely<HistoryDb> }) {
  return {
    async list(q: BidAttemptsQuery): Promise<{ items: BidAttempt[]; nextCursor: string | null }> {
      const after = q.cursor ? decodeCursor(Cursor, q.cursor) : undefined;
      const rows = await repo.list(deps.db, {
        lotId: q.lotId,
        userId: q.userId,
        outcome: q.outcome,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        after: after ? { micros: after.t, id: after.i } : undefined,
      });
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows.at(-1);
      return {
        items: pageRows.map((r) => ({
          attemptId: r.attempt_id,
          lotId: r.lot_id,
          userId: r.user_id,
          alias: r.alias ?? null,
          amount: r.amount,
          outcome: r.outcome,
          code: r.code,
          kind: r.kind,
          leading: r.leading_after,
          nextMinimum: r.next_minimum,
          at: r.at.toISOString(),
          eventId: r.event_id,
        })),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor({ t: last.at_micros, i: last.attempt_id }) : null,
      };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
