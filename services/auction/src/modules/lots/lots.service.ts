import { randomUUID } from "node:crypto";
import { auction, HOUSE_ACCOUNT_ID } from "@arte/contracts";
import { failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import type { AuctionDb, LotStatus } from "../../db/schema.js";
import type { ArtworkDirectory } from "../../lib/catalog.js";
import {
  DEFAULT_INCREMENTS,
  DEFAULT_PREMIUM_BPS,
  DEFAULT_SOFT_CLOSE_SECONDS,
  type IncrementTier,
} from "../bidding/bidding.domain.js";
import { emitLotEvent, leaderAliasOf } from "./lot-events.js";
import { decodeCursor, encodeCursor, lotProblem } from "./lots.domain.js";
import {
  countBidsOf,
  dbNow,
  findAlias,
  findLot,
  insertLot,
  listChanges,
  listLots,
  lockLot,
  updateLot,
} from "./lots.repository.js";
import { toAdminLot, toPublicLot } from "./lots.view.js";

const fail = failWith(auction.AuctionErrors);

export type LotsService = ReturnType<typeof createLotsService>;

export function createLotsService(deps: {
  db: Kysely<AuctionDb>;
  /** Needed to schedule lots: the artwork must exist in the catalogue and not be archived. */
  artworks?: ArtworkDirectory;
}) {
  const { db } = deps;

  async function adminView(row: Awaited<ReturnType<typeof findLot>> & object) {
    return toAdminLot(row, { leaderAlias: await leaderAliasOf(db, row), now: await dbNow(db) });
  }

  return {
    /** Schedules a lot: validated against the database clock, announced as scheduled (version 1). */
    async create(body: auction.CreateLotBody, correlationId: string) {
      if (!deps.artworks)
        throw new Error("createLotsService: no artwork directory to check artworks against");
      const artwork = await deps.artworks.status(body.artworkId, correlationId);
      if (!artwork.exists) throw fail("ARTWORK_NOT_FOUND", "No artwork with this id in the catalogue");
      if (artwork.archived)
        throw fail("ARTWORK_ARCHIVED", "This artwork is archived and cannot be put up for sale");
      const row = await db.transaction().execute(async (trx) => {
        const now = await dbNow(trx);
        const increments = body.increments ?? DEFAULT_INCREMENTS;
        const fields = {
          startPrice: body.startPrice,
          reservePrice: body.reservePrice ?? null,
          buyNowPrice: body.buyNowPrice ?? null,
          increments,
          startsAt: new Date(body.startsAt),
          endsAt: new Date(body.endsAt),
        };
        const problem = lotProblem(fields, now);
        if (problem) throw fail("INVALID_LOT", problem.message, { field: problem.field });
        const live = await trx
          .selectFrom("lot")
          .select("id")
          .where("artwork_id", "=", body.artworkId)
          .where("status", "in", ["SCHEDULED", "OPEN", "CLOSED", "SOLD"])
          .executeTakeFirst();
        if (live) throw fail("ARTWORK_ALREADY_LISTED", "This artwork already has a lot", { lotId: live.id });
        const lot = await insertLot(trx, {
          id: randomUUID(),
          artwork_id: body.artworkId,
          seller_account_id: body.sellerAccountId ?? HOUSE_ACCOUNT_ID,
          seller_user_id: body.sellerUserId ?? null,
          start_price: fields.startPrice,
          reserve_price: fields.reservePrice,
          buy_now_price: fields.buyNowPrice,
          increments: JSON.stringify(increments) as unknown as IncrementTier[],
          soft_close_seconds: body.softCloseSeconds ?? DEFAULT_SOFT_CLOSE_SECONDS,
          premium_bps: body.premiumBps ?? DEFAULT_PREMIUM_BPS,
          starts_at: fields.startsAt,
          ends_at: fields.endsAt,
          scheduled_ends_at: fields.endsAt,
          status: "SCHEDULED",
          current_price: fields.startPrice,
          leader_user_id: null,
          leader_max: null,
          leader_bid_id: null,
          hammer_price: null,
          premium: null,
          outcome_reason: null,
          cancel_reason: null,
          closed_at: null,
        });
        await emitLotEvent(trx, auction.LotScheduledV1, lot, { leaderAlias: null, at: now, correlationId });
        return lot;
      });
      return adminView(row);
    },

    /** Edits a lot that has not started yet (by the database clock, under its row lock). */
    async update(lotId: string, body: auction.UpdateLotBody, correlationId: string) {
      const row = await db.transaction().execute(async (trx) => {
        const lot = await lockLot(trx, lotId);
        if (!lot) throw fail("LOT_NOT_FOUND", "No such lot");
        const now = await dbNow(trx);
        if (lot.status !== "SCHEDULED" || now >= lot.starts_at)
          throw fail("LOT_ALREADY_STARTED", "A lot can only be edited before it starts");
        const fields = {
          startPrice: body.startPrice ?? lot.start_price,
          reservePrice: body.reservePrice !== undefined ? body.reservePrice : lot.reserve_price,
          buyNowPrice: body.buyNowPrice !== undefined ? body.buyNowPrice : lot.buy_now_price,
          increments: body.increments ?? (lot.increments as IncrementTier[]),
          startsAt: body.startsAt ? new Date(body.startsAt) : lot.starts_at,
          endsAt: body.endsAt ? new Date(body.endsAt) : lot.ends_at,
        };
        const problem = lotProblem(fields, now);
        if (problem) throw fail("INVALID_LOT", problem.message, { field: problem.field });
        const updated = await updateLot(trx, lot.id, {
          seller_account_id: body.sellerAccountId ?? lot.seller_account_id,
          seller_user_id: body.sellerUserId !== undefined ? body.sellerUserId : lot.seller_user_id,
          start_price: fields.startPrice,
          current_price: fields.startPrice,
          reserve_price: fields.reservePrice,
          buy_now_price: fields.buyNowPrice,
          increments: JSON.stringify(fields.increments) as unknown as IncrementTier[],
          soft_close_seconds: body.softCloseSeconds ?? lot.soft_close_seconds,
          premium_bps: body.premiumBps ?? lot.premium_bps,
          starts_at: fields.startsAt,
          ends_at: fields.endsAt,
          scheduled_ends_at: fields.endsAt,
          version: lot.version + 1,
        });
        await emitLotEvent(trx, auction.LotScheduledV1, updated, {
          leaderAlias: null,
          at: now,
          correlationId,
        });
        return updated;
      });
      return adminView(row);
    },

    /** Cancels a lot before its first bid. */
    async cancel(lotId: string, reason: string, correlationId: string) {
      const row = await db.transaction().execute(async (trx) => {
        const lot = await lockLot(trx, lotId);
        if (!lot) throw fail("LOT_NOT_FOUND", "No such lot");
        if (lot.status !== "SCHEDULED" && lot.status !== "OPEN")
          throw fail("LOT_NOT_CANCELLABLE", `A ${lot.status.toLowerCase()} lot cannot be cancelled`);
        if (lot.bid_count > 0) throw fail("LOT_HAS_BIDS", "A lot with bids cannot be cancelled");
        const now = await dbNow(trx);
        const updated = await updateLot(trx, lot.id, {
          status: "CANCELLED",
          cancel_reason: reason,
          closed_at: now,
          version: lot.version + 1,
        });
        await emitLotEvent(trx, auction.LotCancelledV1, updated, {
          leaderAlias: null,
          at: now,
          correlationId,
          extra: { reason },
        });
        return updated;
      });
      return adminView(row);
    },

    async adminGet(lotId: string) {
      const row = await findLot(db, lotId);
      if (!row) throw fail("LOT_NOT_FOUND", "No such lot");
      return adminView(row);
    },

    /** The public snapshot; a signed-in caller also sees their own standing. */
    async get(lotId: string, viewerId: string | null) {
      const row = await findLot(db, lotId);
      if (!row) throw fail("LOT_NOT_FOUND", "No such lot");
      const [leaderAlias, now, viewer] = await Promise.all([
        leaderAliasOf(db, row),
        dbNow(db),
        viewerId
          ? Promise.all([findAlias(db, lotId, viewerId), countBidsOf(db, lotId, viewerId)]).then(
              ([alias, bidCount]) => ({ userId: viewerId, alias, bidCount }),
            )
          : Promise.resolve(null),
      ]);
      return toPublicLot(row, { leaderAlias, viewer, now });
    },

    async list(q: { status?: LotStatus | undefined; limit: number; cursor?: string | undefined }) {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (q.cursor && !after) throw fail("CURSOR_INVALID", "The cursor is invalid");
      const rows = await listLots(db, { status: q.status, limit: q.limit + 1, after });
      const now = await dbNow(db);
      const pageRows = rows.slice(0, q.limit);
      const items = await Promise.all(
        pageRows.map(async (r) =>
          toPublicLot(r, { leaderAlias: await leaderAliasOf(db, r), viewer: null, now }),
        ),
      );
      const last = pageRows[pageRows.length - 1];
      return {
        items,
        nextCursor:
          rows.length > q.limit && last
            ? encodeCursor({ startsAt: last.starts_at.toISOString(), id: last.id })
            : null,
      };
    },

    /** The change feed after a version: a live client resumes with snapshot + tail. */
    async changes(lotId: string, sinceVersion: number, limit: number): Promise<auction.LotChanges> {
      const row = await findLot(db, lotId);
      if (!row) throw fail("LOT_NOT_FOUND", "No such lot");
      const changes = await listChanges(db, lotId, sinceVersion, limit);
      return {
        lotId,
        version: row.version,
        changes: changes.map((c) => c.payload as auction.LotChange),
      };
    },
  };
}
