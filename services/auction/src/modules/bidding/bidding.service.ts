import { randomUUID } from "node:crypto";
import { auction } from "@arte/contracts";
import {
  AppError,
  enqueue,
  fail as failCommon,
  failWith,
  idempotent,
  type Logger,
  requestHash,
} from "@arte/platform";
import type { Kysely, Transaction } from "kysely";
import type { AuctionDb } from "../../db/schema.js";
import type { BankClient, BankHold } from "../../lib/bank.js";
import { findBidder } from "../bidders/bidders.repository.js";
import {
  activeHoldOfLot,
  type HoldRow,
  insertRequestedHold,
  lockHold,
  requestRelease,
  setHold,
} from "../holds/holds.repository.js";
import { closeLot, openLot } from "../lots/lifecycle.js";
import { emitLotEvent, leaderAliasOf } from "../lots/lot-events.js";
import {
  dbNow,
  findAlias,
  findLot,
  insertAlias,
  type LotRow,
  lockLot,
  updateLot,
} from "../lots/lots.repository.js";
import { bidState } from "../lots/lots.view.js";
import {
  aliasName,
  biddingWindowProblem,
  bidMaximum,
  eligibilityProblem,
  holdAmount,
  isRejection,
  nextMinimum,
  type Rejection,
  resolveBid,
  softClose,
} from "./bidding.domain.js";
import { createLotGate } from "./lot-gate.js";

const fail = failWith(auction.AuctionErrors);
type Code = auction.AuctionErrorCode;

/** A bid's answer, stored with its Idempotency-Key: a replay gets exactly this back. */
export type BidAnswer =
  | { ok: true; bid: auction.BidAccepted }
  | { ok: false; code: Code; message: string; details?: unknown };

const MESSAGES: Record<string, string> = {
  LOT_NOT_OPEN: "This lot is not open for bidding yet",
  LOT_ENDED: "Bidding on this lot has ended",
  BID_TOO_LOW: "Your bid is below the next minimum",
  INVALID_MAXIMUM: "Your maximum must be at least your bid",
  SELF_BIDDING: "You cannot bid on your own lot",
  NO_LINKED_ACCOUNT: "Link a usable bank account to bid",
  INSUFFICIENT_FUNDS: "Your bank account cannot cover this bid and the buyer's premium",
  EMAIL_NOT_VERIFIED: "Verify your email address to bid",
  ACCOUNT_SUSPENDED: "Your account is suspended",
  ALREADY_LEADING: "You already lead; raise your maximum to bid again",
};

function rejectionDetails(r: Rejection): unknown {
  if (r.code === "BID_TOO_LOW") return { nextMinimum: r.nextMinimum };
  if (r.code === "ALREADY_LEADING") return { yourMaximum: r.yourMaximum };
  return undefined;
}

export type PlaceBidInput = {
  lotId: string;
  userId: string;
  emailVerified: boolean;
  idempotencyKey: string;
  body: auction.PlaceBidBody;
  correlationId: string;
};

export type BiddingService = ReturnType<typeof createBiddingService>;

/**
 * Placing a bid, answered synchronously:
 * 1. a stored answer for the Idempotency-Key is returned as is;
 * 2. the lot's admission gate (lot-gate.ts) lets a few bids of one lot at a time onto the money path;
 *    once admitted, cheap checks without locks (eligibility, window, amount, against the lot read
 *    afresh) refuse doomed bids before any money moves;
 * 3. a hold row is committed, then the bank holds maximum × (1 + premium) — never inside a transaction;
 * 4. one transaction, under the lot's row lock, re-checks everything by the database clock, applies the
 *    rules, stores the answer with the key, and writes the events and release intents to the outbox.
 * Any hold the transaction does not keep is released through the outbox; a crash between 3 and 4 leaves
 * a REQUESTED hold row the reconciler settles.
 */
export function createBiddingService(deps: {
  db: Kysely<AuctionDb>;
  bank: BankClient;
  log: Logger;
  /** Bids of one lot on the money path at once in this instance (see lot-gate.ts). */
  bidsPerLot?: number;
}) {
  const { db, bank, log } = deps;
  const gate = createLotGate(deps.bidsPerLot ?? 4);

  async function place(input: PlaceBidInput): Promise<auction.BidAccepted> {
    const scope = `bid:${input.userId}`;
    const request = {
      lotId: input.lotId,
      amount: input.body.amount,
      maxAmount: input.body.maxAmount ?? null,
    };
    const idem = { scope, key: input.idempotencyKey, request };

    const prior = await db
      .selectFrom("idempotency_key")
      .select(["request_hash", "response"])
      .where("scope", "=", scope)
      .where("key", "=", input.idempotencyKey)
      .executeTakeFirst();
    if (prior && prior.response !== null) {
      if (prior.request_hash !== requestHash(request))
        throw failCommon("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used with different arguments");
      return unwrap(prior.response as BidAnswer);
    }

    return gate.run(input.lotId, (leaveGate) => admitted(input, idem, leaveGate));
  }

  /** The bid once the lot's gate admitted it: read the lot afresh, then hold, then the transaction. */
  async function admitted(
    input: PlaceBidInput,
    idem: { scope: string; key: string; request: unknown },
    leaveGate: () => void,
  ): Promise<auction.BidAccepted> {
    const lot = await findLot(db, input.lotId);
    if (!lot) throw fail("LOT_NOT_FOUND", "No such lot");
    const [bidder, now] = await Promise.all([findBidder(db, input.userId), dbNow(db)]);
    const early = precheck(lot, input, bidder, now);
    if (early) {
      leaveGate(); // recording a refusal needs no place on the lot's money path
      return unwrap(await recordRejection(input, idem, early.code, early.details));
    }

    const accountId = bidder!.bank_account_id!;
    const amount = holdAmount(bidMaximum(input.body), lot.premium_bps);
    const holdRow = await insertRequestedHold(db, {
      lotId: lot.id,
      userId: input.userId,
      accountId,
      amount,
      clientKey: input.idempotencyKey,
    });

    let held: BankHold;
    try {
      held = await bank.hold(
        { accountId, amount, reference: holdRow.reference, key: holdRow.bank_key },
        input.correlationId,
      );
    } catch (err) {
      const code = err instanceof AppError ? err.code : "INTERNAL";
      if (code === "INSUFFICIENT_FUNDS" || code.startsWith("ACCOUNT_")) {
        await setHold(db, holdRow.id, { status: "FAILED", reason: code });
        const mapped: Code = code === "INSUFFICIENT_FUNDS" ? "INSUFFICIENT_FUNDS" : "NO_LINKED_ACCOUNT";
        return unwrap(
          await recordRejection(
            input,
            idem,
            mapped,
            mapped === "INSUFFICIENT_FUNDS" ? { required: amount } : undefined,
          ),
        );
      }
      // No answer, or not one we understand: the bank may or may not hold the money. The row stays
      // REQUESTED; the reconciler asks the bank by reference and releases whatever it finds.
      log.warn({ err, holdId: holdRow.id }, "bank hold failed");
      throw fail(
        "BANK_UNAVAILABLE",
        "The bank did not answer; nothing was bid. Try again with the same key.",
      );
    }
    if (held.status !== "PENDING") {
      await setHold(db, holdRow.id, {
        status: "FAILED",
        bank_hold_id: held.holdId,
        reason: `bank hold ${held.status}`,
      });
      throw fail("BANK_UNAVAILABLE", "The bank did not hold the funds; nothing was bid. Try again.");
    }

    let answer: BidAnswer;
    try {
      answer = await db.transaction().execute(async (trx) => {
        const { result, replayed } = await idempotent(trx, idem, () =>
          applyBid(trx, input, holdRow.id, held.holdId),
        );
        // A concurrent request with the same key answered first: this request's own hold is not needed.
        if (replayed)
          await releaseIfRequested(trx, holdRow, held.holdId, "duplicate request", input.correlationId);
        return result;
      });
    } catch (err) {
      // The bid did not happen: the hold must not outlive it.
      await db
        .transaction()
        .execute((trx) => releaseIfRequested(trx, holdRow, held.holdId, "bid failed", input.correlationId))
        .catch((e) =>
          log.error({ err: e, holdId: holdRow.id }, "could not queue a hold release; the reconciler will"),
        );
      throw err;
    }
    return unwrap(answer);
  }

  function precheck(
    lot: LotRow,
    input: PlaceBidInput,
    bidder: Awaited<ReturnType<typeof findBidder>>,
    now: Date,
  ): { code: Code; details?: unknown } | null {
    const who = eligibilityProblem({
      emailVerified: input.emailVerified,
      bidder: bidder ? { suspended: bidder.suspended, bankAccountId: bidder.bank_account_id } : undefined,
      userId: input.userId,
      sellerUserId: lot.seller_user_id,
    });
    if (who) return { code: who };
    const when = biddingWindowProblem(
      { status: lot.status, startsAt: lot.starts_at, endsAt: lot.ends_at },
      now,
    );
    if (when) return { code: when };
    const r = resolveBid(bidState(lot), { userId: input.userId, ...input.body });
    if (isRejection(r)) return { code: r.code, details: rejectionDetails(r) };
    return null;
  }

  async function recordRejection(
    input: PlaceBidInput,
    idem: { scope: string; key: string; request: unknown },
    code: Code,
    details?: unknown,
  ): Promise<BidAnswer> {
    return db.transaction().execute(async (trx) => {
      const { result } = await idempotent(trx, idem, async () => {
        await enqueueRejected(trx, input, code, details);
        return rejection(code, details);
      });
      return result;
    });
  }

  async function enqueueRejected(
    trx: Transaction<AuctionDb>,
    input: PlaceBidInput,
    code: Code,
    details?: unknown,
  ) {
    const next = (details as { nextMinimum?: number } | undefined)?.nextMinimum;
    await enqueue(
      trx,
      auction.BidRejectedV1,
      {
        lotId: input.lotId,
        bidderUserId: input.userId,
        amount: input.body.amount,
        code,
        ...(next !== undefined ? { nextMinimum: next } : {}),
        at: new Date().toISOString(),
      },
      { correlationId: input.correlationId },
    );
  }

  async function releaseIfRequested(
    trx: Transaction<AuctionDb>,
    holdRow: HoldRow,
    bankHoldId: string,
    reason: string,
    correlationId: string,
  ) {
    const h = await lockHold(trx, holdRow.id);
    if (h?.status !== "REQUESTED") return;
    await requestRelease(trx, { ...h, bank_hold_id: bankHoldId }, reason, correlationId);
  }

  /** The bid transaction proper: everything re-checked under the lot's row lock, by the database clock. */
  async function applyBid(
    trx: Transaction<AuctionDb>,
    input: PlaceBidInput,
    holdRowId: string,
    bankHoldId: string,
  ): Promise<BidAnswer> {
    const corr = input.correlationId;
    // Before the lot's lock, what does not need it (the lot's serial section stays short): this bid's
    // own hold row (only this transaction and the reconciler touch a REQUESTED row), the bidder read
    // model, and the bidder's alias (once given, an alias never changes).
    const lockedHold = await lockHold(trx, holdRowId);
    if (lockedHold?.status !== "REQUESTED")
      throw fail("BANK_UNAVAILABLE", "The hold for this bid was withdrawn; try again.");
    const hold = { ...lockedHold, bank_hold_id: bankHoldId };
    const bidder = await findBidder(trx, input.userId);
    const knownAlias = await findAlias(trx, input.lotId, input.userId);

    const locked = await lockLot(trx, input.lotId);
    if (!locked) throw fail("LOT_NOT_FOUND", "No such lot");
    // Read after the lock: time spent queueing for the lot counts against the bidder.
    const now = await dbNow(trx);

    const reject = async (code: Code, details?: unknown): Promise<BidAnswer> => {
      await requestRelease(trx, hold, `bid rejected: ${code}`, corr);
      await enqueueRejected(trx, input, code, details);
      return rejection(code, details);
    };

    const who = eligibilityProblem({
      emailVerified: input.emailVerified,
      bidder: bidder ? { suspended: bidder.suspended, bankAccountId: bidder.bank_account_id } : undefined,
      userId: input.userId,
      sellerUserId: locked.seller_user_id,
    });
    if (who) return reject(who);
    if (bidder?.bank_account_id !== hold.account_id) return reject("NO_LINKED_ACCOUNT");
    const when = biddingWindowProblem(
      { status: locked.status, startsAt: locked.starts_at, endsAt: locked.ends_at },
      now,
    );
    if (when) {
      // A lot past its end that the scheduler has not closed yet (it skips locked lots, and a storm of
      // late bids keeps this one busy): the transaction holding its lock closes it.
      if (when === "LOT_ENDED" && (locked.status === "OPEN" || locked.status === "SCHEDULED"))
        await closeLot(trx, locked, now, { correlationId: corr });
      return reject(when);
    }
    const bid = { userId: input.userId, amount: input.body.amount, maxAmount: input.body.maxAmount };
    const res = resolveBid(bidState(locked), bid);
    if (isRejection(res)) return reject(res.code, rejectionDetails(res));
    const maximum = bidMaximum(bid);
    if (hold.amount < holdAmount(maximum, locked.premium_bps)) return reject("INSUFFICIENT_FUNDS");

    let row = locked;
    if (row.status === "SCHEDULED") row = await openLot(trx, row, now, corr);

    let alias = knownAlias ?? (await findAlias(trx, row.id, input.userId));
    let nextAlias = row.next_alias;
    if (alias === undefined) {
      alias = nextAlias++;
      await insertAlias(trx, row.id, input.userId, alias);
    }

    const previous = await activeHoldOfLot(trx, row.id);
    if (res.bidderLeads) {
      if (previous && previous.status === "ACTIVE")
        await requestRelease(trx, previous, res.kind === "RAISE" ? "maximum raised" : "outbid", corr);
      await setHold(trx, hold.id, { status: "ACTIVE", bank_hold_id: bankHoldId, reason: null });
    } else {
      await requestRelease(trx, hold, "answered by a higher maximum", corr);
    }

    const close =
      res.moved && !res.closesLot
        ? softClose(now, row.ends_at, row.soft_close_seconds)
        : { endsAt: row.ends_at, extended: false };
    const bidId = randomUUID();
    const seq = row.bid_count + 1;
    await trx
      .insertInto("bid")
      .values({
        id: bidId,
        lot_id: row.id,
        seq,
        user_id: input.userId,
        amount: bid.amount,
        max_amount: maximum,
        kind: res.kind,
        price_after: res.price,
        leading_after: res.bidderLeads,
        hold_id: hold.id,
        created_at: now,
      })
      .execute();
    row = await updateLot(trx, row.id, {
      current_price: res.price,
      leader_user_id: res.leader.userId,
      leader_max: res.leader.max,
      leader_bid_id: res.bidderLeads ? bidId : row.leader_bid_id,
      bid_count: seq,
      ends_at: close.endsAt,
      next_alias: nextAlias,
      version: row.version + 1,
    });
    const leaderAlias = res.bidderLeads ? aliasName(alias) : await leaderAliasOf(trx, row);
    await emitLotEvent(trx, auction.BidPlacedV1, row, {
      leaderAlias,
      at: now,
      correlationId: corr,
      extra: {
        bidId,
        bidderUserId: input.userId,
        bidderAlias: aliasName(alias),
        amount: bid.amount,
        kind: res.kind,
        leading: res.bidderLeads,
        extended: close.extended,
        placedAt: now.toISOString(),
      },
    });
    if (res.displaced && res.displaced.userId !== input.userId) {
      await enqueue(
        trx,
        auction.BidOutbidV1,
        {
          lotId: row.id,
          artworkId: row.artwork_id,
          userId: res.displaced.userId,
          currentPrice: row.current_price,
          nextMinimum: nextMinimum(bidState(row)),
          endsAt: row.ends_at.toISOString(),
          version: row.version,
        },
        { correlationId: corr },
      );
    }
    if (res.closesLot) row = await closeLot(trx, row, now, { correlationId: corr, buyNow: true });

    return {
      ok: true,
      bid: {
        bidId,
        lotId: row.id,
        leading: res.bidderLeads,
        price: row.current_price,
        nextMinimum: nextMinimum(bidState(row)),
        endsAt: row.ends_at.toISOString(),
        yourMaximum: res.bidderLeads ? maximum : null,
        extended: close.extended,
        alias: aliasName(alias),
        status: row.status,
        version: row.version,
      },
    };
  }

  return { place };
}

function rejection(code: Code, details?: unknown): BidAnswer {
  return { ok: false, code, message: MESSAGES[code] ?? code, ...(details !== undefined ? { details } : {}) };
}

function unwrap(answer: BidAnswer): auction.BidAccepted {
  if (answer.ok) return answer.bid;
  throw fail(answer.code, answer.message, answer.details);
}
