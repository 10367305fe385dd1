import { MAX_WON } from "@arte/contracts";
import { BaseEnv, envBool } from "@arte/platform";
import { z } from "zod";

/** A JSON env value, parsed (an unparsable value fails the boot with the variable's name). */
const jsonObject = z.string().transform((s, ctx) => {
  try {
    const v = JSON.parse(s) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  ctx.addIssue({ code: "custom", message: "must be a JSON object" });
  return z.NEVER;
});

export const UsersEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  /** The Ed25519 private JWK (JSON, with `kid`) that signs access tokens. Only this service holds it. */
  AUTH_PRIVATE_JWK: jsonObject.refine(
    (j) => j.kty === "OKP" && typeof j.d === "string" && typeof j.kid === "string",
    "must be an Ed25519 private JWK with kid",
  ),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** `Secure` on the refresh cookie. Only turn off for plain-http local development. */
  COOKIE_SECURE: envBool.default(true),
  /**
   * Demo and dev only: `POST /v1/me/bank-account/demo` (open a funded account) and `/top-up` (deposit).
   * Off by default; a disabled demo answers 404 DEMO_DISABLED. Needs SERVICE_SECRET.
   */
  DEMO_BANK: envBool.default(false),
  /** What a demo account starts with, in won. */
  DEMO_OPENING_BALANCE: z.coerce.number().int().min(0).max(MAX_WON).default(10_000_000),
  /** How long one call to the bank may take before it counts as BANK_UNAVAILABLE. */
  BANK_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
}).refine((c) => !c.DEMO_BANK || c.SERVICE_SECRET !== undefined, {
  path: ["SERVICE_SECRET"],
  message: "required when DEMO_BANK is on (the bank only answers signed requests)",
});
export type UsersConfig = z.infer<typeof UsersEnv>;
