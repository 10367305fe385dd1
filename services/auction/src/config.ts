import { BaseEnv, loadConfig } from "@arte/platform";
import { z } from "zod";

export const AuctionEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4400),
  /** Required: the bank only answers signed requests (ADR 0006). */
  SERVICE_SECRET: z.string().min(32),
  /** Pause between scheduler rounds: lots open and close within about this much of their time. */
  SCHEDULER_TICK_MS: z.coerce.number().int().min(10).max(5000).default(100),
  /** How often the hold reconciler runs. */
  RECONCILE_EVERY_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** A hold asked of the bank whose bid is not recorded after this long is released. */
  HOLD_STALE_MS: z.coerce.number().int().min(5000).max(3_600_000).default(30_000),
  /** How long one bank call may take. */
  BANK_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /**
   * Bids of one lot that hold funds and run their transaction at once in one instance; the others wait
   * and are re-checked against the lot before anything is held (a hot lot costs one read per doomed bid).
   */
  BIDS_PER_LOT: z.coerce.number().int().min(1).max(100).default(4),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
});
export type AuctionConfig = z.infer<typeof AuctionEnv>;

export const loadAuctionConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(AuctionEnv, env);

/** The migration CLI needs only the database. */
export const MigrateEnv = BaseEnv.pick({ DATABASE_URL: true });
export const loadMigrateConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(MigrateEnv, env);
