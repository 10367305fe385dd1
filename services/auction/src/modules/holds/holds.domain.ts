import { createHash } from "node:crypto";

/** The bank reference of a bid hold: `lot:<lotId>:bidder:<userId>:<n>` (n: this service's hold number). */
export const holdReference = (lotId: string, userId: string, n: number) =>
  `lot:${lotId}:bidder:${userId}:${n}`;

/** The prefix of every hold reference of a lot (and, with a user, of one bidder on it). */
export const holdReferencePrefix = (lotId: string, userId?: string) =>
  userId ? `lot:${lotId}:bidder:${userId}:` : `lot:${lotId}:bidder:`;

/**
 * The bank idempotency key of a bid's hold: derived from the client's Idempotency-Key, bound to the
 * bidder, the lot and the hold number (hashed: it must fit the bank's 100 characters, and two bidders
 * choosing the same client key must never share a hold).
 */
export function bankHoldKey(userId: string, lotId: string, clientKey: string, n: number): string {
  const h = createHash("sha256").update(`${userId}\n${lotId}\n${clientKey}\n${n}`).digest("base64url");
  return `auction.hold.${h}`;
}

/** The bank idempotency key of the release of one hold row: a hold is released at most once. */
export const bankReleaseKey = (holdRowId: string) => `auction.release.${holdRowId}`;
