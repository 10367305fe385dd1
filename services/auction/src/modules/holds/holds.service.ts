import { AppError, claimInbox, type Logger } from "@arte/platform";
import type { Kysely } from "kysely";
import type { AuctionDb } from "../../db/schema.js";
import type { BankClient } from "../../lib/bank.js";
import { bankReleaseKey } from "./holds.domain.js";
import {
  findHold,
  lockHold,
  orphanedHolds,
  requestRelease,
  setHold,
  staleHolds,
} from "./holds.repository.js";

export type HoldsDeps = { db: Kysely<AuctionDb>; bank: BankClient; log: Logger };

/**
 * Settles a hold marked RELEASING: asks the bank to release it with a key derived from the hold row
 * (a second call is a no-op at the bank), then marks it RELEASED with the inbox claim, if given.
 */
export async function settleRelease(
  deps: HoldsDeps,
  holdId: string,
  inbox?: { consumer: string; messageId: string },
) {
  const { db, bank } = deps;
  const row = await findHold(db, holdId);
  if (row && row.status === "RELEASING") {
    let bankHoldId = row.bank_hold_id;
    if (!bankHoldId) {
      const found = await bank.listHolds({ reference: row.reference, limit: 10 });
      bankHoldId = found.find((h) => h.status === "PENDING")?.holdId ?? found[0]?.holdId ?? null;
    }
    if (bankHoldId) {
      try {
        await bank.release({ holdId: bankHoldId, key: bankReleaseKey(row.id) });
      } catch (err) {
        // Already ended (by this very key, or a capture) or never there: nothing left to release.
        if (
          !(err instanceof AppError && (err.code === "HOLD_ALREADY_ENDED" || err.code === "HOLD_NOT_FOUND"))
        )
          throw err;
        deps.log.warn({ holdId, bankHoldId, code: err.code }, "hold already ended at the bank");
      }
    }
    await db.transaction().execute(async (trx) => {
      if (inbox) await claimInbox(trx, inbox.consumer, inbox.messageId);
      await setHold(trx, holdId, { status: "RELEASED", bank_hold_id: bankHoldId }, ["RELEASING"]);
    });
    return;
  }
  if (inbox) await db.transaction().execute((trx) => claimInbox(trx, inbox.consumer, inbox.messageId));
}

export type ReconcilerOptions = HoldsDeps & {
  /** A REQUESTED hold older than this lost its bid (crash, timeout): default 30 s. */
  requestedStaleMs?: number;
  /** A RELEASING hold older than this is released directly (its intent stuck): default 2 min. */
  releasingStaleMs?: number;
  everyMs?: number;
  batch?: number;
};

/**
 * Finds holds nothing backs and releases them:
 * - REQUESTED rows whose bid never committed (a crash or timeout between the bank call and the bid
 *   transaction): the bank is asked by reference and whatever it holds is released;
 * - ACTIVE or WON rows that no longer back their lot's lead or sale (a safety net: the bid and close
 *   transactions release them already);
 * - RELEASING rows whose intent did not get through (dead-lettered): released directly, same key.
 */
export function createReconciler(opts: ReconcilerOptions) {
  const { db, bank, log } = opts;
  const requestedStaleMs = opts.requestedStaleMs ?? 30_000;
  const releasingStaleMs = opts.releasingStaleMs ?? 120_000;
  const batch = opts.batch ?? 100;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<unknown> | null = null;

  async function reconcile() {
    const counts = { requested: 0, orphaned: 0, released: 0 };
    for (const row of await staleHolds(db, "REQUESTED", requestedStaleMs, batch)) {
      try {
        const found = await bank.listHolds({ reference: row.reference, limit: 10 });
        const pending = found.find((h) => h.status === "PENDING");
        await db.transaction().execute(async (trx) => {
          const h = await lockHold(trx, row.id);
          if (h?.status !== "REQUESTED") return;
          if (pending) {
            await requestRelease(trx, { ...h, bank_hold_id: pending.holdId }, "bid never recorded");
          } else {
            await setHold(trx, h.id, {
              status: found.length ? "RELEASED" : "FAILED",
              bank_hold_id: found[0]?.holdId ?? null,
              reason: "bid never recorded",
            });
          }
          counts.requested++;
        });
      } catch (err) {
        log.warn({ err, holdId: row.id }, "reconcile of a requested hold failed");
      }
    }
    for (const row of await orphanedHolds(db, batch)) {
      try {
        await db.transaction().execute(async (trx) => {
          // The lot's lock orders this against bids and closing; re-check under it.
          const lot = await trx
            .selectFrom("lot")
            .select(["status", "leader_user_id"])
            .where("id", "=", row.lot_id)
            .forUpdate()
            .executeTakeFirst();
          const h = await lockHold(trx, row.id);
          if (!lot || !h) return;
          const backsLead =
            h.status === "ACTIVE" && lot.status === "OPEN" && lot.leader_user_id === h.user_id;
          const backsSale = h.status === "WON" && lot.status === "SOLD";
          const closing = h.status === "ACTIVE" && lot.status === "CLOSED";
          if (backsLead || backsSale || closing || (h.status !== "ACTIVE" && h.status !== "WON")) return;
          await requestRelease(trx, h, "no longer backs a lead");
          counts.orphaned++;
        });
      } catch (err) {
        log.warn({ err, holdId: row.id }, "reconcile of an orphaned hold failed");
      }
    }
    for (const row of await staleHolds(db, "RELEASING", releasingStaleMs, batch)) {
      try {
        await settleRelease(opts, row.id);
        counts.released++;
      } catch (err) {
        log.warn({ err, holdId: row.id }, "direct release failed");
      }
    }
    if (counts.requested || counts.orphaned || counts.released) log.info(counts, "holds reconciled");
    return counts;
  }

  return {
    reconcile,
    start() {
      if (timer) return;
      const every = opts.everyMs ?? 5000;
      const loop = () => {
        round = reconcile()
          .catch((err) => log.error({ err }, "reconcile round failed"))
          .finally(() => {
            if (timer) timer = setTimeout(loop, every);
          });
      };
      timer = setTimeout(loop, every);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await round;
    },
  };
}
export type Reconciler = ReturnType<typeof createReconciler>;
