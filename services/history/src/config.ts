import { BaseEnv, loadConfig } from "@arte/platform";
import { z } from "zod";

export const HistoryEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4500),
});
export type HistoryConfig = z.infer<typeof HistoryEnv>;

export const loadHistoryConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(HistoryEnv, env);

/** The migration CLI needs only the database (no JWKS). */
export const MigrateEnv = BaseEnv.pick({ DATABASE_URL: true });
export const loadMigrateConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(MigrateEnv, env);
