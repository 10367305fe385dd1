import { createHash } from "node:crypto";
import { auction, HOUSE_ACCOUNT_ID } from "@arte/contracts";
import { type Kysely, sql } from "kysely";
import type { AuctionDb } from "../../db/schema.js";
import {
  DEFAULT_INCREMENTS,
  DEFAULT_PREMIUM_BPS,
  DEFAULT_SOFT_CLOSE_SECONDS,
} from "../bidding/bidding.domain.js";
import { emitLotEvent } from "./lot-events.js";
import { dbNow, insertLot } from "./lots.repository.js";

/**
 * Demo lots for `npm start` (never used by the service itself). What each is for:
 * - `live`: open now (the scheduler opens it at once), ending in 30–120 minutes;
 * - `upcoming`: starting in 1–24 hours;
 * - `ended`: a window that passed (the scheduler catches it up: opened and closed UNSOLD, no bids);
 * - `closing`: starts in a few seconds and ends `closingSeconds` later without soft close, for real bids
 *   placed by the launcher: `sell` ones end SOLD (the bids meet no reserve), `reserve` ones end UNSOLD
 *   (the reserve is far above the bids).
 */
export type DemoLotRole = "live" | "upcoming" | "ended" | "closing-sell" | "closing-reserve";

export type DemoLot = {
  lotId: string;
  artworkId: string;
  role: DemoLotRole;
  startPrice: number;
  reservePrice: number | null;
  startsAt: Date;
  endsAt: Date;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The roles in artwork order; fewer artworks → the plan is cut short (live ones first). */
const PLAN: { role: DemoLotRole; startInMs: number; lengthMs: number }[] = [
  ...[30, 48, 66, 84, 102, 120].map((m) => ({ role: "live" as const, startInMs: 0, lengthMs: m * MINUTE })),
  ...[1, 3, 6, 10, 16, 23].map((h) => ({
    role: "upcoming" as const,
    startInMs: h * HOUR,
    lengthMs: 2 * HOUR,
  })),
  { role: "closing-sell", startInMs: 0, lengthMs: 0 },
  { role: "closing-sell", startInMs: 0, lengthMs: 0 },
  { role: "closing-reserve", startInMs: 0, lengthMs: 0 },
  { role: "ended", startInMs: -3 * HOUR, lengthMs: HOUR },
];

/** A lot id that is the same for an artwork on every run (uuid-shaped, from a hash). */
function demoLotId(artworkId: string): string {
  const h = createHash("sha256").update(`demo-lot\n${artworkId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Schedules the demo lots on the given artworks, once: when any of these artworks already has a lot
 * (an earlier run, or someone's own), nothing is created and `created` is false. One transaction under
 * an advisory lock (two launchers cannot both seed); every lot is announced as scheduled through the
 * outbox, like an admin's, and the scheduler opens and closes them on time.
 */
export async function seedDemoLots(
  db: Kysely<AuctionDb>,
  opts: {
    artworkIds: string[];
    /** Defaults to the database clock. */
    now?: Date;
    /** How long the `closing-*` lots run (default 60 s); they start `closingStartInMs` from now (5 s). */
    closingSeconds?: number;
    closingStartInMs?: number;
  },
): Promise<{ created: boolean; lots: DemoLot[] }> {
  const closingMs = (opts.closingSeconds ?? 60) * 1000;
  const closingStart = opts.closingStartInMs ?? 5000;
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('auction:demo-lots'))`.execute(trx);
    if (opts.artworkIds.length === 0) return { created: false, lots: [] };
    const any = await trx
      .selectFrom("lot")
      .select("id")
      .where("artwork_id", "in", opts.artworkIds)
      .limit(1)
      .executeTakeFirst();
    if (any) return { created: false, lots: [] };
    const now = opts.now ?? (await dbNow(trx));
    const lots: DemoLot[] = [];
    for (const [i, artworkId] of opts.artworkIds.entries()) {
      const p = PLAN[i];
      if (!p) break;
      const closing = p.role === "closing-sell" || p.role === "closing-reserve";
      const startsAt = new Date(now.getTime() + (closing ? closingStart : p.startInMs));
      const endsAt = new Date(startsAt.getTime() + (closing ? closingMs : p.lengthMs));
      const startPrice = (5 + ((i * 7) % 20)) * 100_000; // 500,000 – 2,400,000 won
      const reservePrice =
        p.role === "closing-reserve"
          ? startPrice * 20
          : p.role === "live" && i % 3 === 0
            ? startPrice * 2
            : null;
      const row = await insertLot(trx, {
        id: demoLotId(artworkId),
        artwork_id: artworkId,
        seller_account_id: HOUSE_ACCOUNT_ID,
        seller_user_id: null,
        start_price: startPrice,
        reserve_price: reservePrice,
        buy_now_price: p.role === "upcoming" && i % 2 === 0 ? startPrice * 4 : null,
        increments: JSON.stringify(DEFAULT_INCREMENTS) as unknown as typeof DEFAULT_INCREMENTS,
        // The closing lots end on time (a bid near the end would move it otherwise).
        soft_close_seconds: closing ? 0 : DEFAULT_SOFT_CLOSE_SECONDS,
        premium_bps: DEFAULT_PREMIUM_BPS,
        starts_at: startsAt,
        ends_at: endsAt,
        scheduled_ends_at: endsAt,
        status: "SCHEDULED",
        current_price: startPrice,
        leader_user_id: null,
        leader_max: null,
        leader_bid_id: null,
        hammer_price: null,
        premium: null,
        outcome_reason: null,
        cancel_reason: null,
        closed_at: null,
      });
      await emitLotEvent(trx, auction.LotScheduledV1, row, {
        leaderAlias: null,
        at: now,
        correlationId: "demo-seed",
      });
      lots.push({ lotId: row.id, artworkId, role: p.role, startPrice, reservePrice, startsAt, endsAt });
    }
    return { created: true, lots };
  });
}
