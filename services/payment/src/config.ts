import { BaseEnv, loadConfig } from "@arte/platform";
import { z } from "zod";

export const PaymentEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4700),
  /** How long one bank request may take before it counts as unavailable (ms). */
  BANK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Capture attempts (transient failures) before an invoice becomes PAYMENT_FAILED. */
  CAPTURE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** First retry delay; doubles per attempt, capped at 5 minutes (ms). */
  RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  /** How long an instance owns a saga step; must exceed BANK_TIMEOUT_MS (ms). */
  LEASE_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
  /** How often the resume jobs look for due invoices, refunds and holds (ms). */
  JOB_TICK_MS: z.coerce.number().int().min(20).max(600_000).default(1000),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
}).superRefine((env, ctx) => {
  if (env.LEASE_MS <= env.BANK_TIMEOUT_MS)
    ctx.addIssue({ code: "custom", path: ["LEASE_MS"], message: "must exceed BANK_TIMEOUT_MS" });
  if (env.NODE_ENV === "production" && !env.SERVICE_SECRET)
    ctx.addIssue({ code: "custom", path: ["SERVICE_SECRET"], message: "required in production (bank RPCs)" });
});
export type PaymentConfig = z.infer<typeof PaymentEnv>;

export const loadPaymentConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(PaymentEnv, env);

/** The migration CLI needs only the database. */
export const MigrateEnv = BaseEnv.pick({ DATABASE_URL: true });
export const loadMigrateConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(MigrateEnv, env);
