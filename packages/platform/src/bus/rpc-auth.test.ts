import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { parseCallers, signRequest, verifyRequest } from "./rpc-auth.js";

const guard = { callers: { users: "s".repeat(40) } };
const body = new TextEncoder().encode('{"amount":1000}');

describe("signed requests", () => {
  it("verifies a fresh signature and names the caller", () => {
    const h = headers();
    signRequest(h, { service: "users", secret: "s".repeat(40) }, "rpc.bank.hold", body, 1_000_000);
    expect(verifyRequest(h, guard, "rpc.bank.hold", body, 1_000_500)).toBe("users");
  });

  it("refuses a stale request, another subject and a changed body", () => {
    const h = headers();
    signRequest(h, { service: "users", secret: "s".repeat(40) }, "rpc.bank.hold", body, 1_000_000);
    expect(verifyRequest(h, guard, "rpc.bank.hold", body, 1_000_000 + 31_000)).toBeNull();
    expect(verifyRequest(h, guard, "rpc.bank.capture", body, 1_000_000)).toBeNull();
    expect(
      verifyRequest(h, guard, "rpc.bank.hold", new TextEncoder().encode('{"amount":9000}'), 1_000_000),
    ).toBeNull();
  });

  it("does not treat inherited object keys as callers", () => {
    const h = headers();
    signRequest(h, { service: "constructor", secret: "s".repeat(40) }, "rpc.bank.hold", body);
    expect(verifyRequest(h, guard, "rpc.bank.hold", body)).toBeNull();
  });

  it("parses the callers map", () => {
    expect(parseCallers('{"users":"abc"}')).toEqual({ users: "abc" });
    expect(() => parseCallers("[1]")).toThrow();
    expect(parseCallers(undefined)).toEqual({});
  });
});
