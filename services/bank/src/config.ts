import { BaseEnv, loadConfig, parseCallers } from "@arte/platform";
import { z } from "zod";

/** `RPC_CALLERS`: `{"users":"<secret>","auction":"<secret>",…}` (ADR 0006); each secret ≥ 32 chars. */
const Callers = z.string().transform((s, ctx) => {
  try {
    const callers = parseCallers(s);
    const weak = Object.entries(callers)
      .filter(([, secret]) => secret.length < 32)
      .map(([name]) => name);
    if (weak.length) {
      ctx.addIssue({ code: "custom", message: `secrets shorter than 32 characters: ${weak.join(", ")}` });
      return z.NEVER;
    }
    return callers;
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a JSON object of service name → secret" });
    return z.NEVER;
  }
});

export const BankEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4300),
  /** The services allowed to call the bank and their secrets. Without it nobody can move money. */
  RPC_CALLERS: Callers.default(() => ({})),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV === "production" && Object.keys(env.RPC_CALLERS).length === 0)
    ctx.addIssue({ code: "custom", path: ["RPC_CALLERS"], message: "required in production" });
});
export type BankConfig = z.infer<typeof BankEnv>;

export const loadBankConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(BankEnv, env);

/** The migration CLI needs only the database. */
export const MigrateEnv = BaseEnv.pick({ DATABASE_URL: true });
export const loadMigrateConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(MigrateEnv, env);
