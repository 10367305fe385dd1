import { describe, expect, it } from "vitest";
import { clientResponseHeaders, isIdentityHeader, upstreamRequestHeaders } from "./headers.js";

describe("identity headers", () => {
  it.each([
    "x-user-id",
    "X-User-Role",
    "userid",
    "userId",
    "user-id",
    "role",
    "x-role",
    "x-auth-user",
    "x-auth-request-email",
    "x-authenticated-userid",
    "x-forwarded-user",
    "x-forwarded-email",
    "x-forwarded-groups",
    "x-remote-user",
    "remote-user",
    "x-jwt-claims",
    "x-consumer-id",
    "x-userinfo",
    "x-principal",
  ])("treats %s as an identity header", (h) => expect(isIdentityHeader(h)).toBe(true));

  it.each(["accept", "content-type", "authorization", "cookie", "idempotency-key", "user-agent", "x-custom"])(
    "keeps %s",
    (h) => expect(isIdentityHeader(h)).toBe(false),
  );
});

describe("upstreamRequestHeaders", () => {
  it("drops hop-by-hop, identity and client-forged forwarding headers and sets the gateway's own", () => {
    const out = upstreamRequestHeaders(
      {
        host: "evil",
        connection: "keep-alive, x-drop-me",
        "x-drop-me": "1",
        authorization: "Bearer abc",
        "x-user-id": "1",
        role: "ADMIN",
        "x-forwarded-for": "6.6.6.6",
        "x-request-id": "client-chosen",
        "content-type": "application/json",
      },
      { requestId: "req-1", clientIp: "1.2.3.4", proto: "https", host: "arte.example" },
    );
    expect(out).toEqual({
      authorization: "Bearer abc",
      "content-type": "application/json",
      "x-request-id": "req-1",
      "x-forwarded-for": "1.2.3.4",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "arte.example",
    });
  });
});

describe("clientResponseHeaders", () => {
  it("keeps set-cookie as a list and drops hop-by-hop and CORS headers", () => {
    expect(
      clientResponseHeaders({
        "set-cookie": ["a=1", "b=2"],
        "transfer-encoding": "chunked",
        "access-control-allow-origin": "*",
        "content-type": "application/problem+json",
      }),
    ).toEqual({ "set-cookie": ["a=1", "b=2"], "content-type": "application/problem+json" });
  });
});
