import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BaseEnv, envBool, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("lists every invalid setting at once", () => {
    let message = "";
    try {
      loadConfig(BaseEnv, {
        PORT: "eighty",
        LOG_LEVEL: "loud",
        DATABASE_URL: "not a url",
        NATS_PREFIX: "has.dots",
        NODE_ENV: "staging",
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^invalid configuration:/);
    for (const key of ["PORT", "LOG_LEVEL", "DATABASE_URL", "NATS_PREFIX", "NODE_ENV", "AUTH_JWKS"]) {
      expect(message).toMatch(new RegExp(`^  ${key}: `, "m"));
    }
  });

  it("applies defaults and coerces types", () => {
    const cfg = loadConfig(BaseEnv, { PORT: "8080", AUTH_JWKS: '{"keys":[]}' });
    expect(cfg).toMatchObject({ PORT: 8080, LOG_LEVEL: "info", NODE_ENV: "development", NATS_PREFIX: "" });
  });

  it("is extended by services with their own settings and flags", () => {
    const Env = BaseEnv.extend({ SMTP_URL: z.string().optional(), MAIL_ENABLED: envBool.default(false) });
    const cfg = loadConfig(Env, { PORT: "1", AUTH_JWKS: "{}", MAIL_ENABLED: "yes" });
    expect(cfg.MAIL_ENABLED).toBe(true);
  });
});
