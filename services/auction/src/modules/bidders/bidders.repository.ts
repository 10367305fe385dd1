import type { Executor } from "@arte/platform";
import { type Selectable, sql } from "kysely";
import type { AuctionDb, BidderTable } from "../../db/schema.js";

export type BidderRow = Selectable<BidderTable>;
type Db = Executor<AuctionDb>;

export async function findBidder(db: Db, userId: string): Promise<BidderRow | undefined> {
  return db.selectFrom("bidder").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/**
 * Applies a suspension change, unless a newer one was applied already (events may arrive out of order:
 * each fact carries the time it happened, and only a later fact overwrites).
 */
export async function applySuspension(db: Db, userId: string, suspended: boolean, at: Date) {
  await db
    .insertInto("bidder")
    .values({
      user_id: userId,
      suspended,
      suspended_changed_at: at,
      bank_account_id: null,
      bank_changed_at: null,
    })
    .onConflict((oc) =>
      oc
        .column("user_id")
        .doUpdateSet({ suspended, suspended_changed_at: at, updated_at: sql<Date>`now()` })
        .where((eb) =>
          eb.or([eb("bidder.suspended_changed_at", "is", null), eb("bidder.suspended_changed_at", "<=", at)]),
        ),
    )
    .execute();
}

/** Links (accountId) or unlinks (null) the bidder's bank account, newest fact wins. */
export async function applyBankLink(db: Db, userId: string, accountId: string | null, at: Date) {
  await db
    .insertInto("bidder")
    .values({
      user_id: userId,
      suspended: false,
      suspended_changed_at: null,
      bank_account_id: accountId,
      bank_changed_at: at,
    })
    .onConflict((oc) =>
      oc
        .column("user_id")
        .doUpdateSet({ bank_account_id: accountId, bank_changed_at: at, updated_at: sql<Date>`now()` })
        .where((eb) =>
          eb.or([eb("bidder.bank_changed_at", "is", null), eb("bidder.bank_changed_at", "<=", at)]),
        ),
    )
    .execute();
}

/** Unlinks only if the account unlinked is still the linked one (a later link of another stays). */
export async function applyBankUnlink(db: Db, userId: string, accountId: string, at: Date) {
  await db
    .insertInto("bidder")
    .values({
      user_id: userId,
      suspended: false,
      suspended_changed_at: null,
      bank_account_id: null,
      bank_changed_at: at,
    })
    .onConflict((oc) =>
      oc
        .column("user_id")
        .doUpdateSet({ bank_account_id: null, bank_changed_at: at, updated_at: sql<Date>`now()` })
        .where((eb) =>
          eb.and([
            eb.or([eb("bidder.bank_changed_at", "is", null), eb("bidder.bank_changed_at", "<=", at)]),
            eb.or([eb("bidder.bank_account_id", "is", null), eb("bidder.bank_account_id", "=", accountId)]),
          ]),
        ),
    )
    .execute();
}
