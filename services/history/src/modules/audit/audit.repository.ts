import type { BidOutcome } from "@arte/contracts/history.js";
import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { HistoryDb } from "../../db/schema.js";

export type AttemptCursor = { micros: number; id: string };

/** SQL only: every bid attempt, newest first, keyset-paginated on (at, attempt_id). */
export const auditRepository = {
  async list(
    db: Executor<HistoryDb>,
    q: {
      lotId?: string;
      userId?: string;
      outcome?: BidOutcome;
      from?: Date;
      to?: Date;
      limit: number;
      after?: AttemptCursor;
    },
  ) {
    let query = db
      .selectFrom("bid_attempt")
      .leftJoin("bidder_alias", (j) =>
        j
          .onRef("bidder_alias.lot_id", "=", "bid_attempt.lot_id")
          .onRef("bidder_alias.user_id", "=", "bid_attempt.user_id"),
      )
      .select([
        "bid_attempt.attempt_id",
        "bid_attempt.event_id",
        "bid_attempt.lot_id",
        "bid_attempt.user_id",
        "bid_attempt.amount",
        "bid_attempt.outcome",
        "bid_attempt.code",
        "bid_attempt.kind",
        "bid_attempt.leading_after",
        "bid_attempt.next_minimum",
        "bid_attempt.at",
        "bidder_alias.alias",
      ])
      .select(sql<number>`(extract(epoch from bid_attempt.at) * 1000000)::int8`.as("at_micros"))
      .orderBy("bid_attempt.at", "desc")
      .orderBy("bid_attempt.attempt_id", "desc")
      .limit(q.limit + 1);
    if (q.lotId) query = query.where("bid_attempt.lot_id", "=", q.lotId);
    if (q.userId) query = query.where("bid_attempt.user_id", "=", q.userId);
    if (q.outcome) query = query.where("bid_attempt.outcome", "=", q.outcome);
    if (q.from) query = query.where("bid_attempt.at", ">=", q.from);
    if (q.to) query = query.where("bid_attempt.at", "<", q.to);
    if (q.after) {
      const { micros, id } = q.after;
      query = query.where(
        sql<boolean>`(bid_attempt.at, bid_attempt.attempt_id) < (timestamptz 'epoch' + ${micros}::int8 * interval '1 microsecond', ${id}::uuid)`,
      );
    }
    return query.execute();
  },
};
