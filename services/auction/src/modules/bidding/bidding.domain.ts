/**
 * The auction's rules, pure: no I/O, no clock. Every amount is an integer number of won.
 * The bid transaction, the scheduler and the tests all use these functions, so "the price the rules
 * give" is computed in exactly one place.
 */

/** One tier of the increment table: below `upTo` (exclusive) the step is `step`; `upTo: null` = no bound. */
export type IncrementTier = { upTo: number | null; step: number };

/** DESIGN.md's default table. */
export const DEFAULT_INCREMENTS: IncrementTier[] = [
  { upTo: 1_000_000, step: 10_000 },
  { upTo: 5_000_000, step: 50_000 },
  { upTo: 10_000_000, step: 100_000 },
  { upTo: 50_000_000, step: 500_000 },
  { upTo: null, step: 1_000_000 },
];
export const DEFAULT_SOFT_CLOSE_SECONDS = 180;
/** 15 % in basis points. */
export const DEFAULT_PREMIUM_BPS = 1500;

/**
 * A well-formed table: positive integer steps, strictly increasing bounds, the last tier unbounded.
 * Returns a problem description, or null when valid.
 */
export function incrementTableProblem(table: IncrementTier[]): string | null {
  if (table.length === 0) return "the increment table is empty";
  let last = 0;
  for (const [i, t] of table.entries()) {
    if (!Number.isSafeInteger(t.step) || t.step <= 0) return `tier ${i}: step must be a positive integer`;
    const isLast = i === table.length - 1;
    if (isLast !== (t.upTo === null)) return "only the last tier is unbounded (upTo: null), and it must be";
    if (t.upTo !== null) {
      if (!Number.isSafeInteger(t.upTo) || t.upTo <= last) return `tier ${i}: upTo must increase`;
      last = t.upTo;
    }
  }
  return null;
}

/** The step that applies at `price`. */
export function incrementAt(price: number, table: IncrementTier[] = DEFAULT_INCREMENTS): number {
  for (const t of table) if (t.upTo === null || price < t.upTo) return t.step;
  // A valid table ends unbounded; a broken one still gives a positive step.
  return table[table.length - 1]?.step ?? 1;
}

/** What the bidding state of a lot is, as the rules see it. */
export type BidState = {
  startPrice: number;
  /** The current price; meaningless while there is no leader. */
  price: number;
  leader: { userId: string; max: number } | null;
  reserve: number | null;
  buyNow: number | null;
  increments: IncrementTier[];
};

/** The least acceptable `amount` of the next bid: the start price, then price + step. */
export function nextMinimum(s: Pick<BidState, "startPrice" | "price" | "leader" | "increments">): number {
  return s.leader ? s.price + incrementAt(s.price, s.increments) : s.startPrice;
}

/** A bid as it arrives: its amount and, optionally, a higher proxy maximum. */
export type BidInput = { userId: string; amount: number; maxAmount?: number | null | undefined };

/** The maximum a bid commits its bidder to (the amount when no maximum is given). */
export const bidMaximum = (b: Pick<BidInput, "amount" | "maxAmount">) =>
  Math.max(b.amount, b.maxAmount ?? b.amount);

export type Rejection =
  | { code: "BID_TOO_LOW"; nextMinimum: number }
  | { code: "ALREADY_LEADING"; yourMaximum: number }
  | { code: "INVALID_MAXIMUM" };

export type Resolution = {
  kind: "BID" | "RAISE" | "BUY_NOW";
  /** The new price. */
  price: number;
  /** The leader after the bid. */
  leader: { userId: string; max: number };
  /** Whether the bidder leads after their bid. */
  bidderLeads: boolean;
  /** The leader before the bid when it lost the lead to this bid (outbid), else null. */
  displaced: { userId: string; max: number } | null;
  /** Whether the price or the leader changed (a leader raising their own maximum changes neither). */
  moved: boolean;
  /** Buy-now: the lot is sold at once. */
  closesLot: boolean;
};

/**
 * Resolves one bid against the state: proxy bidding one increment at a time, equal maxima to the
 * earlier bidder, a leader may only raise their maximum, buy-now takes the lot at the buy-now price,
 * a leader's maximum at or above the hidden reserve lifts the price to the reserve.
 */
export function resolveBid(s: BidState, bid: BidInput): Resolution | Rejection {
  if (bid.maxAmount != null && bid.maxAmount < bid.amount) return { code: "INVALID_MAXIMUM" };
  const max = bidMaximum(bid);
  const leader = s.leader;

  if (leader && leader.userId === bid.userId) {
    if (max <= leader.max) return { code: "ALREADY_LEADING", yourMaximum: leader.max };
    const next = { userId: bid.userId, max };
    return {
      kind: "RAISE",
      price: withReserve(s.price, next.max, s.reserve),
      leader: next,
      bidderLeads: true,
      displaced: null,
      moved: withReserve(s.price, next.max, s.reserve) !== s.price,
      closesLot: false,
    };
  }

  const minimum = nextMinimum(s);
  if (bid.amount < minimum) return { code: "BID_TOO_LOW", nextMinimum: minimum };

  if (s.buyNow !== null && bid.amount >= s.buyNow && (!leader || s.price < s.buyNow)) {
    return {
      kind: "BUY_NOW",
      price: s.buyNow,
      leader: { userId: bid.userId, max },
      bidderLeads: true,
      displaced: leader,
      moved: true,
      closesLot: true,
    };
  }

  if (!leader) {
    const next = { userId: bid.userId, max };
    return {
      kind: "BID",
      price: withReserve(bid.amount, max, s.reserve),
      leader: next,
      bidderLeads: true,
      displaced: null,
      moved: true,
      closesLot: false,
    };
  }

  if (max > leader.max) {
    // The challenger's proxy beats the leader's maximum by one step, never above its own maximum and
    // never below the amount it named.
    const beat = Math.min(max, Math.max(bid.amount, leader.max + incrementAt(leader.max, s.increments)));
    const next = { userId: bid.userId, max };
    return {
      kind: "BID",
      price: withReserve(beat, max, s.reserve),
      leader: next,
      bidderLeads: true,
      displaced: leader,
      moved: true,
      closesLot: false,
    };
  }
  // The leader's proxy answers: one step above the challenger's maximum, capped at the leader's own
  // (equal maxima: the earlier bid, the leader's, wins at that maximum).
  const answer = Math.min(leader.max, max + incrementAt(max, s.increments));
  return {
    kind: "BID",
    price: withReserve(answer, leader.max, s.reserve),
    leader,
    bidderLeads: false,
    displaced: null,
    moved: true,
    closesLot: false,
  };
}

/** A leader whose maximum reaches the hidden reserve pays at least the reserve. */
function withReserve(price: number, leaderMax: number, reserve: number | null): number {
  if (reserve !== null && price < reserve && leaderMax >= reserve) return reserve;
  return price;
}

export const isRejection = (r: Resolution | Rejection): r is Rejection => "code" in r;

/**
 * Soft close: a bid at `now` within `windowSeconds` of `endsAt` moves the end to now + window.
 * Returns the new end (unchanged when outside the window).
 */
export function softClose(
  now: Date,
  endsAt: Date,
  windowSeconds: number,
): { endsAt: Date; extended: boolean } {
  const windowMs = windowSeconds * 1000;
  if (windowMs <= 0) return { endsAt, extended: false };
  const remaining = endsAt.getTime() - now.getTime();
  if (remaining >= windowMs) return { endsAt, extended: false };
  const next = new Date(now.getTime() + windowMs);
  return next.getTime() > endsAt.getTime() ? { endsAt: next, extended: true } : { endsAt, extended: false };
}

/** Whether the hidden reserve is met at this price (a lot without a reserve always is, once bid on). */
export const reserveMet = (price: number, hasLeader: boolean, reserve: number | null) =>
  hasLeader && (reserve === null || price >= reserve);

export type CloseOutcome =
  | { status: "SOLD"; winnerUserId: string; hammerPrice: number; premium: number; total: number }
  | { status: "UNSOLD"; reason: "NO_BIDS" | "RESERVE_NOT_MET" };

/** At close: no bids → UNSOLD; the reserve not met → UNSOLD; else SOLD to the leader at the price. */
export function closeOutcome(
  s: Pick<BidState, "price" | "leader" | "reserve">,
  premiumBps: number,
): CloseOutcome {
  if (!s.leader) return { status: "UNSOLD", reason: "NO_BIDS" };
  if (!reserveMet(s.price, true, s.reserve)) return { status: "UNSOLD", reason: "RESERVE_NOT_MET" };
  const premium = premiumOf(s.price, premiumBps);
  return {
    status: "SOLD",
    winnerUserId: s.leader.userId,
    hammerPrice: s.price,
    premium,
    total: s.price + premium,
  };
}

/** The buyer's premium on a hammer price, rounded up to a won (bigint arithmetic: no float, no overflow). */
export function premiumOf(price: number, premiumBps: number): number {
  return Number(ceilDiv(BigInt(price) * BigInt(premiumBps), 10_000n));
}

/** What the bank must hold for a bid: maximum × (1 + premium), rounded up to a won. */
export function holdAmount(maximum: number, premiumBps: number): number {
  return Number(ceilDiv(BigInt(maximum) * BigInt(10_000 + premiumBps), 10_000n));
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Replays accepted bids in order from a lot's opening state: the price and leader the rules give.
 * The concurrency test recomputes a lot's outcome with it from the lot's bid table.
 */
export function replayBids(
  initial: Omit<BidState, "price" | "leader">,
  bids: BidInput[],
): { price: number; leader: { userId: string; max: number } | null; rejected: number } {
  let state: BidState = { ...initial, price: initial.startPrice, leader: null };
  let rejected = 0;
  for (const b of bids) {
    const r = resolveBid(state, b);
    if (isRejection(r)) {
      rejected++;
      continue;
    }
    state = { ...state, price: r.price, leader: r.leader };
    if (r.closesLot) break;
  }
  return { price: state.price, leader: state.leader, rejected };
}

/** "Bidder 3": a lot's public name for a bidder, by order of their first accepted bid. */
export const aliasName = (n: number) => `Bidder ${n}`;

export type BidderFacts = {
  emailVerified: boolean;
  /** From the user stream's read model; undefined when nothing is known of the user. */
  bidder: { suspended: boolean; bankAccountId: string | null } | undefined;
};

/** Who may bid: email verified, not suspended, a linked bank account, not the lot's seller. */
export function eligibilityProblem(
  f: BidderFacts & { userId: string; sellerUserId: string | null },
): "EMAIL_NOT_VERIFIED" | "ACCOUNT_SUSPENDED" | "NO_LINKED_ACCOUNT" | "SELF_BIDDING" | null {
  if (!f.emailVerified) return "EMAIL_NOT_VERIFIED";
  if (f.bidder?.suspended) return "ACCOUNT_SUSPENDED";
  if (!f.bidder?.bankAccountId) return "NO_LINKED_ACCOUNT";
  if (f.sellerUserId !== null && f.sellerUserId === f.userId) return "SELF_BIDDING";
  return null;
}

/**
 * Whether a lot takes bids at `now` (the database's clock): only in [startsAt, endsAt) and only while
 * it is OPEN, or SCHEDULED with its start passed (the bid opens it, the scheduler may not have yet).
 */
export function biddingWindowProblem(
  lot: { status: string; startsAt: Date; endsAt: Date },
  now: Date,
): "LOT_NOT_OPEN" | "LOT_ENDED" | null {
  if (lot.status !== "OPEN" && lot.status !== "SCHEDULED") return "LOT_ENDED";
  if (now.getTime() >= lot.endsAt.getTime()) return "LOT_ENDED";
  if (now.getTime() < lot.startsAt.getTime()) return "LOT_NOT_OPEN";
  return null;
}
