import { generateSigningKey } from "@arte/platform";
import { beforeAll, describe, expect, it } from "vitest";
import { UsersEnv } from "./config.js";

let base: Record<string, string>;
beforeAll(async () => {
  const { privateJwk, jwks } = await generateSigningKey();
  base = { PORT: "4001", AUTH_JWKS: JSON.stringify(jwks), AUTH_PRIVATE_JWK: JSON.stringify(privateJwk) };
});

describe("bank settings", () => {
  it("default to no demo, 10,000,000 won demo accounts and a 3 s bank timeout", () => {
    expect(UsersEnv.parse(base)).toMatchObject({
      DEMO_BANK: false,
      DEMO_OPENING_BALANCE: 10_000_000,
      BANK_RPC_TIMEOUT_MS: 3000,
    });
    expect(UsersEnv.parse(base).SERVICE_SECRET).toBeUndefined();
  });

  it("the demo needs SERVICE_SECRET (the bank answers only signed requests)", () => {
    const r = UsersEnv.safeParse({ ...base, DEMO_BANK: "true" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["SERVICE_SECRET"]);
    const ok = UsersEnv.parse({ ...base, DEMO_BANK: "true", SERVICE_SECRET: "s".repeat(32) });
    expect(ok.DEMO_BANK).toBe(true);
  });

  it.each([
    ["DEMO_OPENING_BALANCE", "-1"],
    ["DEMO_OPENING_BALANCE", "1.5"],
    ["DEMO_OPENING_BALANCE", "1e18"],
    ["BANK_RPC_TIMEOUT_MS", "0"],
    ["BANK_RPC_TIMEOUT_MS", "abc"],
    ["SERVICE_SECRET", "too-short"],
  ])("refuses %s=%s", (k, v) => {
    expect(UsersEnv.safeParse({ ...base, [k]: v }).success).toBe(false);
  });
});
