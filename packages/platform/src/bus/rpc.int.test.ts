import { defineRpc } from "@arte/contracts";
import { createTestBus, testLogger } from "@arte/testing";
import type { Subscription } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, fail } from "../errors.js";
import type { Bus } from "./bus.js";
import { callRpc, serveRpc } from "./rpc.js";

const Echo = defineRpc(
  "ptest.echo",
  z.object({ text: z.string().min(1), mode: z.enum(["ok", "conflict", "crash"]).default("ok") }),
  z.object({ echo: z.string(), server: z.string(), correlationId: z.string().optional() }),
);
const Nobody = defineRpc("ptest.nobody", z.object({}), z.object({}));

let tbus: Awaited<ReturnType<typeof createTestBus>>;
let bus: Bus;
let bus2: Bus;
const log = testLogger();
const subs: Subscription[] = [];

beforeAll(async () => {
  tbus = await createTestBus([]);
  bus = tbus.bus;
  bus2 = await tbus.connectAnother();
});
afterEach(() => {
  for (const s of subs.splice(0)) s.unsubscribe();
});
afterAll(async () => {
  await bus2?.close();
  await tbus?.destroy();
});

function serve(on: Bus, server: string) {
  const sub = serveRpc(on, Echo, { queue: "ptest", log }, async (req, ctx) => {
    if (req.mode === "conflict") throw fail("CONFLICT", "already held", { holdId: "h1" });
    if (req.mode === "crash") throw new Error("connection to 10.0.0.7 refused: password=hunter2");
    return { echo: req.text, server, correlationId: ctx.correlationId };
  });
  subs.push(sub);
  return sub;
}

describe("serveRpc / callRpc", () => {
  it("answers a valid request, with the caller's correlation id", async () => {
    serve(bus, "a");
    await bus.nc.flush();
    const res = await callRpc(bus, Echo, { text: "hi" }, { correlationId: "req-1" });
    expect(res).toEqual({ echo: "hi", server: "a", correlationId: "req-1" });
  });

  it("carries the callee's AppError across with its code, status and details", async () => {
    serve(bus, "a");
    await bus.nc.flush();
    const err = await callRpc(bus, Echo, { text: "hi", mode: "conflict" }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: "CONFLICT",
      status: 409,
      message: "already held",
      details: { holdId: "h1" },
    });
  });

  it("answers a contract-breaking request VALIDATION_FAILED", async () => {
    serve(bus, "a");
    await bus.nc.flush();
    const err = await callRpc(bus, Echo, { text: "" }).catch((e) => e);
    expect(err).toMatchObject({ code: "VALIDATION_FAILED", status: 400 });
    const notJson = await bus.nc.request(bus.subject(Echo.subject), "{nope", { timeout: 1000 });
    expect(notJson.json()).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", status: 400 } });
  });

  it("answers a handler crash INTERNAL without leaking the error text", async () => {
    serve(bus, "a");
    await bus.nc.flush();
    const err = await callRpc(bus, Echo, { text: "hi", mode: "crash" }).catch((e) => e);
    expect(err).toMatchObject({ code: "INTERNAL", status: 500, message: "Something went wrong" });
    expect(JSON.stringify(err.details ?? null)).not.toContain("hunter2");
  });

  it("fails fast with 503 SERVICE_UNAVAILABLE when nobody serves the subject", async () => {
    const started = Date.now();
    const err = await callRpc(bus, Nobody, {}, { timeoutMs: 3000 }).catch((e) => e);
    expect(err).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("shares requests between the servers of one queue group, each answered once", async () => {
    serve(bus, "a");
    serve(bus2, "b");
    await Promise.all([bus.nc.flush(), bus2.nc.flush()]);
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => callRpc(bus, Echo, { text: `m${i}` })),
    );
    expect(replies.map((r) => r.echo)).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`));
    const by = (s: string) => replies.filter((r) => r.server === s).length;
    expect(by("a") + by("b")).toBe(60);
    expect(by("a")).toBeGreaterThan(0);
    expect(by("b")).toBeGreaterThan(0);
  });
});

describe("guarded RPCs (signed requests)", () => {
  const secrets = { users: "u".repeat(40), auction: "a".repeat(40) };
  function serveGuarded(allow?: string[]) {
    const sub = serveRpc(
      bus,
      Echo,
      { queue: "ptest-guarded", log, guard: { callers: secrets, ...(allow ? { allow } : {}) } },
      async (req, ctx) => ({ echo: `${req.text} from ${ctx.caller}`, server: "bank" }),
    );
    subs.push(sub);
  }

  it("answers a caller that signs with its own secret, and tells the handler who it is", async () => {
    serveGuarded();
    await bus.nc.flush();
    const res = await callRpc(
      bus,
      Echo,
      { text: "hold" },
      { credentials: { service: "users", secret: secrets.users } },
    );
    expect(res.echo).toBe("hold from users");
  });

  it.each([
    ["an unsigned caller", undefined],
    ["a caller with the wrong secret", { service: "users", secret: "x".repeat(40) }],
    ["an unknown service", { service: "mallory", secret: "m".repeat(40) }],
  ])("gives %s nothing but UNAUTHENTICATED", async (_name, credentials) => {
    serveGuarded();
    await bus.nc.flush();
    const err = await callRpc(bus, Echo, { text: "hold" }, { credentials }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    expect(err.details).toBeUndefined();
  });

  it("refuses a known caller that is not allowed for this RPC", async () => {
    serveGuarded(["auction"]);
    await bus.nc.flush();
    const err = await callRpc(
      bus,
      Echo,
      { text: "hold" },
      { credentials: { service: "users", secret: secrets.users } },
    ).catch((e) => e);
    expect(err).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
