import type { auction, catalog } from "@arte/contracts";
import { claimInbox, type Logger } from "@arte/platform";
import type { Kysely } from "kysely";
import type { z } from "zod";
import type { HistoryDb } from "../../db/schema.js";
import { nextAlias, primaryImageOf } from "./projection.domain.js";
import { projectionRepository as repo } from "./projection.repository.js";

type Tx = Parameters<Parameters<ReturnType<Kysely<HistoryDb>["transaction"]>["execute"]>[0]>[0];

/**
 * - `duplicate`: the inbox already held the event id (a redelivery): nothing changed;
 * - `applied`: the event's facts were recorded and its snapshot is the newest;
 * - `stale`: the facts it carries (a bid, a winner) were recorded, but a newer snapshot was already held.
 */
export type ApplyOutcome = "applied" | "duplicate" | "stale";

/** Any lot event: the snapshot, plus the bid of `auction.bid.placed.v1` and the winner of a sale. */
export type LotEvent = {
  id: string;
  type: string;
  occurredAt: string;
  data: auction.LotSnapshot &
    Partial<z.infer<typeof auction.BidPlacedV1>["data"]> & { winnerUserId?: string };
};
export type BidRejectedEvent = z.infer<typeof auction.BidRejectedV1>;
export type ArtworkEvent = {
  id: string;
  type: string;
  data: z.infer<typeof catalog.ArtworkSnapshot> & Record<string, unknown>;
};

/**
 * Applies events to the projections, each in one transaction that first claims `(consumer, event id)`
 * in the inbox: a redelivered event stops there. Within it, every fact has a natural key (bid id, the
 * lot version a bid produced, the rejected event's id) and every snapshot a version, so the same fact
 * arriving under another event id, or events arriving out of order, change nothing twice.
 */
export function createProjectionService(deps: { db: Kysely<HistoryDb>; log: Logger }) {
  const { db } = deps;

  async function aliasFor(trx: Tx, lotId: string, userId: string, given: string | undefined) {
    const known = await repo.findAlias(trx, lotId, userId);
    if (known) return known;
    // The auction service's alias is authoritative; only when an event carries none (or, after a
    // fallback, the name is taken by someone else) do we number bidders in the order we meet them.
    if (given && (await repo.insertAlias(trx, lotId, userId, given))) return given;
    const alias = nextAlias(await repo.aliasesOfLot(trx, lotId));
    await repo.insertAlias(trx, lotId, userId, alias);
    return alias;
  }

  return {
    async applyLotEvent(consumer: string, event: LotEvent, log?: Logger): Promise<ApplyOutcome> {
      const d = event.data;
      return db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, consumer, event.id))) return "duplicate";
        const newer = await repo.upsertLotIfNewer(trx, d);
        await repo.lockLot(trx, d.lotId);

        if (event.type === "auction.bid.placed.v1") {
          if (d.bidderUserId && d.amount !== undefined) {
            const placedAt = new Date(d.placedAt ?? event.occurredAt);
            const bidId = d.bidId ?? event.id;
            const alias = await aliasFor(trx, d.lotId, d.bidderUserId, d.bidderAlias);
            const leading = d.leading ?? false;
            const kind = d.kind ?? "BID";
            const fresh = await repo.insertBid(trx, {
              bidId,
              lotId: d.lotId,
              version: d.version,
              userId: d.bidderUserId,
              amount: d.amount,
              kind,
              leading,
              placedAt,
              eventId: event.id,
            });
            if (fresh) {
              await repo.addToMyLot(trx, {
                userId: d.bidderUserId,
                lotId: d.lotId,
                amount: d.amount,
                at: placedAt,
              });
              await repo.insertAttempt(trx, {
                attempt_id: bidId,
                event_id: event.id,
                lot_id: d.lotId,
                user_id: d.bidderUserId,
                amount: d.amount,
                outcome: "ACCEPTED",
                code: null,
                kind,
                leading_after: leading,
                next_minimum: null,
                at: placedAt,
              });
            }
            if (leading) await repo.setLeaderIfLater(trx, d.lotId, d.bidderUserId, d.version);
            log?.debug({ lotId: d.lotId, bidId, alias, fresh }, "bid recorded");
          } else {
            log?.warn({ lotId: d.lotId, eventId: event.id }, "bid event without bidder or amount");
          }
        }
        if (event.type === "auction.lot.sold.v1" && d.winnerUserId)
          await repo.setWinner(trx, d.lotId, d.winnerUserId);
        return newer ? "applied" : "stale";
      });
    },

    async applyBidRejected(consumer: string, event: BidRejectedEvent): Promise<ApplyOutcome> {
      const d = event.data;
      return db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, consumer, event.id))) return "duplicate";
        await repo.insertAttempt(trx, {
          attempt_id: event.id,
          event_id: event.id,
          lot_id: d.lotId,
          user_id: d.bidderUserId,
          amount: d.amount,
          outcome: "REJECTED",
          code: d.code,
          kind: null,
          leading_after: null,
          next_minimum: d.nextMinimum ?? null,
          at: new Date(d.at),
        });
        return "applied";
      });
    },

    async applyArtworkEvent(consumer: string, event: ArtworkEvent): Promise<ApplyOutcome> {
      const d = event.data;
      return db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, consumer, event.id))) return "duplicate";
        const taken = await repo.upsertArtworkIfNewer(trx, {
          artwork_id: d.artworkId,
          title_ko: d.titleKo,
          title_en: d.titleEn,
          artist_name_ko: d.artistNameKo,
          artist_name_en: d.artistNameEn,
          primary_image: primaryImageOf(d),
          archived: event.type === "catalog.artwork.archived.v1",
          version: d.version,
        });
        return taken ? "applied" : "stale";
      });
    },
  };
}
export type ProjectionService = ReturnType<typeof createProjectionService>;
