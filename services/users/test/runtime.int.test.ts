import { USER_STREAM, users } from "@arte/contracts";
import { createOutboxRelay } from "@arte/platform";
import { createTestBus, testLogger } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsersEnv } from "../src/config.js";
import { SCHEMA } from "../src/db/schema.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
let tb: Awaited<ReturnType<typeof createTestBus>>;
beforeAll(async () => {
  h = await startHarness();
  tb = await createTestBus([USER_STREAM]);
});
afterAll(async () => {
  await tb?.destroy();
  await h?.close();
});

describe("runtime wiring", () => {
  it("serves the public JWKS, health and readiness", async () => {
    const jwks = await h.app.inject({ method: "GET", url: "/.well-known/jwks.json" });
    expect(jwks.statusCode).toBe(200);
    expect(jwks.json()).toEqual(h.keys.jwks);
    expect(JSON.stringify(jwks.json())).not.toContain('"d"');
    expect((await h.app.inject({ method: "GET", url: "/healthz" })).json().service).toBe("users");
  });

  it("publishes outbox rows to the USER stream with the correlation id", async () => {
    const s = await h.signUp();
    const relay = createOutboxRelay({
      db: h.db,
      bus: tb.bus,
      log: testLogger(),
      listenUrl: "",
      schema: SCHEMA,
    });
    while ((await relay.tick()) > 0) {}
    const stream = tb.bus.stream(USER_STREAM.name);
    const info = await tb.bus.jsm.streams.info(stream);
    expect(info.state.messages).toBeGreaterThanOrEqual(2);
    const msg = await tb.bus.jsm.streams.getMessage(stream, {
      last_by_subj: tb.bus.subject(users.UserRegisteredV1.shape.type.value),
    });
    const ev = users.UserRegisteredV1.parse(msg!.json());
    expect(ev.data.userId).toBe(s.me.id);
    const pending = await h.db.selectFrom("outbox").select("id").where("published_at", "is", null).execute();
    expect(pending).toHaveLength(0);
  });

  it("parses its config with defaults and refuses a bad private key", () => {
    const base = { PORT: "4001", AUTH_JWKS: JSON.stringify(h.keys.jwks) };
    const cfg = UsersEnv.parse({ ...base, AUTH_PRIVATE_JWK: JSON.stringify(h.keys.privateJwk) });
    expect(cfg).toMatchObject({
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_DAYS: 14,
      COOKIE_SECURE: true,
    });
    expect(UsersEnv.safeParse({ ...base, AUTH_PRIVATE_JWK: "{not json" }).success).toBe(false);
    expect(
      UsersEnv.safeParse({ ...base, AUTH_PRIVATE_JWK: JSON.stringify(h.keys.jwks.keys[0]) }).success,
    ).toBe(false);
    expect(
      UsersEnv.parse({ ...base, AUTH_PRIVATE_JWK: JSON.stringify(h.keys.privateJwk), COOKIE_SECURE: "false" })
        .COOKIE_SECURE,
    ).toBe(false);
  });
});
