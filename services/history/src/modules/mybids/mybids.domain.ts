import type { LotStatus } from "@arte/contracts/auction.js";
import type { MyBidState } from "@arte/contracts/history.js";

/**
 * My standing on a lot (the SQL in the repository says the same; this is its readable form and the
 * unit tests' subject):
 * - SOLD: WON if I am the winner (the sale's winner, else the last leader), else LOST;
 * - UNSOLD or CANCELLED: LOST (no one won);
 * - otherwise (SCHEDULED, OPEN, CLOSED awaiting the result): LEADING if I lead, else OUTBID.
 */
export function myState(
  lot: { status: LotStatus; leaderUserId: string | null; winnerUserId: string | null },
  userId: string,
): MyBidState {
  if (lot.status === "SOLD") return (lot.winnerUserId ?? lot.leaderUserId) === userId ? "WON" : "LOST";
  if (lot.status === "UNSOLD" || lot.status === "CANCELLED") return "LOST";
  return lot.leaderUserId === userId ? "LEADING" : "OUTBID";
}
