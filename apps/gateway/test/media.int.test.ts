import { createTestKeys } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Keys, startGateway, startUpstream, type TestGateway, type Upstream } from "./harness.js";

let keys: Keys;
let catalog: Upstream;
let gw: TestGateway;
let admin: string;
const KEY = "AbCdEfGhIjKlMnOpQrStUv.large.webp";

beforeAll(async () => {
  keys = await createTestKeys();
  catalog = await startUpstream("catalog");
  gw = await startGateway({ keys, env: { UPSTREAM_CATALOG: catalog.url, BODY_LIMIT_BYTES: "4096" } });
  admin = await keys.signer.sign({
    sub: crypto.randomUUID(),
    role: "ADMIN",
    sid: crypto.randomUUID(),
    ev: true,
  });
});
afterAll(async () => {
  await gw?.close();
  await catalog?.close();
});

describe("media delivery: /media/<key>", () => {
  it("proxies to the catalog's /media/<key> with a long, immutable cache", async () => {
    const res = await gw.app.inject({ method: "GET", url: `/media/${KEY}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.json().url).toBe(`/media/${KEY}`);
    const head = await gw.app.inject({ method: "HEAD", url: `/media/${KEY}` });
    expect(head.statusCode).toBe(200);
  });

  it.each([
    "/media/../api/users/v1/me",
    "/media/%2e%2e%2fetc%2fpasswd",
    "/media/a/b.large.webp",
    "/media/x.webp",
    "/media/",
  ])("refuses %s without forwarding it", async (url) => {
    const before = catalog.hits.length;
    const res = await gw.app.inject({ method: "GET", url });
    // A client that resolves "../" first asks for /api/users/v1/me instead: a 401 there.
    expect([404, 401]).toContain(res.statusCode);
    expect(catalog.hits.length).toBe(before);
  });

  it("only GET and HEAD", async () => {
    const res = await gw.app.inject({ method: "DELETE", url: `/media/${KEY}` });
    expect(res.statusCode).toBe(404);
  });
});

describe("per-operation body limit", () => {
  const big = "x".repeat(10_000);
  it("lets an upload operation take more than the gateway-wide limit", async () => {
    const res = await gw.app.inject({
      method: "POST",
      url: `/api/catalog/v1/admin/artworks/${crypto.randomUUID()}/images`,
      headers: { authorization: `Bearer ${admin}`, "content-type": "multipart/form-data; boundary=x" },
      payload: big,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().bodyLength).toBe(10_000);
  });

  it("keeps the gateway-wide limit for every other operation", async () => {
    const res = await gw.app.inject({
      method: "POST",
      url: "/api/catalog/v1/admin/artworks",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      payload: JSON.stringify({ big }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe("PAYLOAD_TOO_LARGE");
  });
});
