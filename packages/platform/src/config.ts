import { hostname } from "node:os";
import { z } from "zod";

/** Parses a boolean env value ("true"/"1"/"yes" are true). */
export const envBool = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === "boolean" ? v : ["true", "1", "yes"].includes(v.toLowerCase())));

/** The settings every process reads. Services extend it with their own. */
export const BaseEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535),
  INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/arte"),
  /** Connections in this process's pool (a service may choose a larger default for itself). */
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /** Prepended to every subject and stream name: isolates test runs and deployments on one server. */
  NATS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_]*$/i)
    .default(""),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().default("arte:"),
  /** Public JWKS (JSON) of the user service, used to verify access tokens. */
  AUTH_JWKS: z.string().min(2),
  /** This service's secret for signing requests to guarded RPCs (the bank's); see ADR 0006. */
  SERVICE_SECRET: z.string().min(32).optional(),
  AUTH_ISSUER: z.string().default("arte-moderni"),
  AUTH_AUDIENCE: z.string().default("arte-moderni"),
});
export type BaseEnv = z.infer<typeof BaseEnv>;

/**
 * Parses the environment once at boot. An invalid setting stops the process with every problem
 * listed, never a half-configured service.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data as z.infer<S>;
}
