import { type IncrementTier, incrementTableProblem } from "../bidding/bidding.domain.js";
import type { LotCursor } from "./lots.repository.js";

export type LotFields = {
  startPrice: number;
  reservePrice: number | null;
  buyNowPrice: number | null;
  increments: IncrementTier[];
  startsAt: Date;
  endsAt: Date;
};

/**
 * What is wrong with a lot's schedule and prices, or null: the end after the start, the start not in
 * the past (by the database clock `now`), reserve ≥ start, buy-now > start and ≥ reserve, a sound
 * increment table. (Positive whole won amounts are the contract's job.)
 */
export function lotProblem(f: LotFields, now: Date): { field: string; message: string } | null {
  if (f.startsAt.getTime() < now.getTime()) return { field: "startsAt", message: "The start is in the past" };
  if (f.endsAt.getTime() <= f.startsAt.getTime())
    return { field: "endsAt", message: "The end must be after the start" };
  if (f.reservePrice !== null && f.reservePrice < f.startPrice)
    return { field: "reservePrice", message: "The reserve must be at least the start price" };
  if (f.buyNowPrice !== null && f.buyNowPrice <= f.startPrice)
    return { field: "buyNowPrice", message: "The buy-now price must be above the start price" };
  if (f.buyNowPrice !== null && f.reservePrice !== null && f.buyNowPrice < f.reservePrice)
    return { field: "buyNowPrice", message: "The buy-now price must be at least the reserve" };
  const table = incrementTableProblem(f.increments);
  if (table) return { field: "increments", message: table };
  return null;
}

export const encodeCursor = (c: LotCursor) =>
  Buffer.from(JSON.stringify([c.startsAt, c.id])).toString("base64url");

export function decodeCursor(s: string): LotCursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [startsAt, id] = v as unknown[];
    if (typeof startsAt !== "string" || Number.isNaN(Date.parse(startsAt))) return undefined;
    if (typeof id !== "string" || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return { startsAt, id };
  } catch {
    return undefined;
  }
}
