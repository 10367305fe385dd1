import type { Logger } from "@arte/platform";
import { type Kysely, sql } from "kysely";
import type { AuctionDb } from "../../db/schema.js";
import { closeLot, openLot } from "../lots/lifecycle.js";
import { dbNow, type LotRow } from "../lots/lots.repository.js";

export type SchedulerOptions = {
  db: Kysely<AuctionDb>;
  log: Logger;
  /** Pause between rounds (default 100 ms): a lot closes within about this much of its end. */
  tickMs?: number;
  /** Transitions per kind and round at most (default 200). */
  batch?: number;
  /** How long a lot whose transition failed is left alone before the next try (default 5 s). */
  failureBackoffMs?: number;
};

type Kind = "open" | "close";

/**
 * Opens and closes lots on time. Runs in every instance: each due lot is claimed with
 * FOR UPDATE SKIP LOCKED and moved in its own transaction, so every transition happens exactly once,
 * instances share the work, and a lot that fails (and is retried after a pause) never holds up others.
 * Lots whose time passed while the system was down are caught up at the first round: their bids were
 * never possible (the bid transaction refuses any bid at or after `endsAt`).
 */
export function createScheduler(opts: SchedulerOptions) {
  const { db, log } = opts;
  const tickMs = opts.tickMs ?? 100;
  const batch = opts.batch ?? 200;
  const failureBackoffMs = opts.failureBackoffMs ?? 5000;
  /** lot id → when it may be tried again */
  const failed = new Map<string, number>();
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  /** Claims one due lot of a kind and moves it. Returns the lot id, or null when none is due. */
  async function step(kind: Kind, skip: string[]): Promise<{ id: string; ok: boolean } | null> {
    let claimed: string | null = null;
    try {
      return await db.transaction().execute(async (trx) => {
        let q = trx.selectFrom("lot").selectAll();
        q =
          kind === "close"
            ? q
                .where("status", "=", "OPEN")
                .where("ends_at", "<=", sql<Date>`clock_timestamp()`)
                .orderBy("ends_at")
            : q
                .where("status", "=", "SCHEDULED")
                .where("starts_at", "<=", sql<Date>`clock_timestamp()`)
                .orderBy("starts_at");
        if (skip.length) q = q.where("id", "not in", skip);
        const lot: LotRow | undefined = await q.limit(1).forUpdate().skipLocked().executeTakeFirst();
        if (!lot) return null;
        claimed = lot.id;
        const now = await dbNow(trx);
        if (kind === "close" || lot.ends_at <= now) {
          const row = await closeLot(trx, lot, now);
          log.info(
            { lotId: lot.id, status: row.status, lateMs: now.getTime() - lot.ends_at.getTime() },
            "lot closed",
          );
        } else {
          await openLot(trx, lot, now);
          log.info({ lotId: lot.id, lateMs: now.getTime() - lot.starts_at.getTime() }, "lot opened");
        }
        return { id: lot.id, ok: true };
      });
    } catch (err) {
      if (!claimed) throw err;
      log.error({ err, lotId: claimed, kind }, "lot transition failed; other lots go on");
      failed.set(claimed, Date.now() + failureBackoffMs);
      return { id: claimed, ok: false };
    }
  }

  /** One round: closes first (time-critical), then opens. */
  async function tick(): Promise<{ opened: number; closed: number; failed: number }> {
    const nowMs = Date.now();
    for (const [id, until] of failed) if (until <= nowMs) failed.delete(id);
    const counts = { opened: 0, closed: 0, failed: 0 };
    for (const kind of ["close", "open"] as const) {
      const skip = [...failed.keys()];
      for (let i = 0; i < batch; i++) {
        const r = await step(kind, skip);
        if (!r) break;
        if (r.ok) counts[kind === "close" ? "closed" : "opened"]++;
        else {
          counts.failed++;
          skip.push(r.id);
        }
      }
    }
    return counts;
  }

  async function run() {
    while (running) {
      try {
        await tick();
      } catch (err) {
        log.error({ err }, "scheduler round failed");
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, tickMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  }

  return {
    tick,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    /** Stops after the round in flight. */
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
