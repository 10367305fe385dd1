import { z } from "zod";

/** The largest amount the platform handles: 1,000 trillion won, far inside the safe-integer range. */
export const MAX_WON = 1_000_000_000_000_000;

/**
 * An amount of Korean won: a positive whole number, sent as a JSON number. Strings, fractions, zero,
 * negatives and anything above {@link MAX_WON} (so anything near 2^53) are refused.
 */
export const Won = z.int().positive().max(MAX_WON);

/** A won amount that may be zero (balances, opening deposits). */
export const WonOrZero = z.int().min(0).max(MAX_WON);

/** A client's idempotency key: 8–100 URL-safe characters (a UUID fits). */
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");

/** The `Idempotency-Key` header every money or bid command requires. */
export const IdempotencyHeaders = z.object({ "idempotency-key": IdempotencyKey });
