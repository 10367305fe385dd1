import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { defineOperations, SERVICE_OPERATIONS } from "@arte/contracts";
import { createMetrics, type Logger } from "@arte/platform";
import { type createTestKeys, createTestRedis, testLogger } from "@arte/testing";
import { buildGateway } from "../src/app.js";
import { parseConfig } from "../src/config.js";

export type Hit = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

/** Extra operations of a stand-in service, for what the users table has no example of. */
export const labOperations = defineOperations({
  slow: {
    id: "slow",
    method: "GET",
    path: "/v1/slow",
    access: "public",
    summary: "Answers late",
    responses: {},
  },
  upload: {
    id: "upload",
    method: "POST",
    path: "/v1/uploads",
    access: "public",
    summary: "Echo",
    responses: {},
  },
  item: {
    id: "item",
    method: "GET",
    path: "/v1/items/:id",
    access: "public",
    summary: "Echo",
    responses: {},
  },
});
/** A service whose instances are all down in the tests. */
export const vaultOperations = defineOperations({
  ping: { id: "ping", method: "GET", path: "/v1/ping", access: "public", summary: "Echo", responses: {} },
});
export const testOperations = { ...SERVICE_OPERATIONS, lab: labOperations, vault: vaultOperations };

/**
 * A real HTTP server standing in for one service instance: it records every request and echoes it
 * back as JSON. `/healthz` answers ok, `/v1/slow` answers after 2 s, `/v1/auth/login` answers like
 * the user service (a problem+json 400 for a malformed body, cookies on success).
 */
export async function startUpstream(name: string) {
  const hits: Hit[] = [];
  const server = createServer(async (req, res) => {
    req.on("error", () => {}); // the gateway hangs up on slow answers: that is the point
    res.on("error", () => {});
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // the gateway gave up on this request (a body over the limit): nothing to answer
    }
    const body = Buffer.concat(chunks).toString("utf8");
    const url = req.url ?? "";
    if (url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    hits.push({ method: req.method ?? "", url, headers: req.headers, body });
    if (url.startsWith("/v1/slow")) {
      await new Promise((r) => setTimeout(r, 2000));
    }
    if (url === "/v1/auth/login") {
      try {
        JSON.parse(body);
      } catch {
        res
          .writeHead(400, { "content-type": "application/problem+json", "access-control-allow-origin": "*" })
          .end(JSON.stringify({ status: 400, code: "MALFORMED_JSON", title: "Bad Request", from: name }));
        return;
      }
      res.setHeader("set-cookie", [
        "refresh_token=rt1; HttpOnly; Path=/api/users/v1/auth",
        "other=2; Path=/",
      ]);
    }
    res.writeHead(200, { "content-type": "application/json", "x-instance": name });
    res.end(
      JSON.stringify({
        instance: name,
        method: req.method,
        url,
        headers: req.headers,
        bodyLength: body.length,
        body,
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
export type Upstream = Awaited<ReturnType<typeof startUpstream>>;

/** A URL nothing listens on: connecting to it is refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

export type Keys = Awaited<ReturnType<typeof createTestKeys>>;

/** A gateway over its own Redis prefix, configured through the real env parser. */
export async function startGateway(opts: {
  keys: Keys;
  env?: Record<string, string>;
  metrics?: boolean;
  log?: Logger;
}) {
  const testRedis = createTestRedis();
  const config = parseConfig({
    NODE_ENV: "test",
    PORT: "0",
    AUTH_JWKS: JSON.stringify(opts.keys.jwks),
    REDIS_PREFIX: testRedis.prefix,
    PROXY_TIMEOUT_MS: "500",
    ...opts.env,
  });
  const app = await buildGateway({
    config,
    log: opts.log ?? testLogger("gateway"),
    redis: testRedis.redis,
    verifier: opts.keys.verifier,
    operations: testOperations,
    ...(opts.metrics ? { metrics: createMetrics("gateway", config.INSTANCE_ID) } : {}),
  });
  await app.ready();
  return {
    app,
    redis: testRedis.redis,
    redisPrefix: testRedis.prefix,
    config,
    async close() {
      await app.close();
      await testRedis.destroy();
    },
  };
}
export type TestGateway = Awaited<ReturnType<typeof startGateway>>;

export const userId = () => crypto.randomUUID();
