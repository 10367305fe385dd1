import { SERVICE_OPERATIONS } from "@arte/contracts";
import {
  AppError,
  type Bus,
  createHttpApp,
  createRevocationStore,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type Redis,
  type TokenVerifier,
  type VerifiedToken,
} from "@arte/platform";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import type { FastifyRequest } from "fastify";
import { createAccessCheck } from "./auth.js";
import type { GatewayConfig } from "./config.js";
import { type ChangeSource, createLive } from "./live/index.js";
import { buildOpenApiDocument } from "./openapi.js";
import { clientResponseHeaders, upstreamRequestHeaders } from "./proxy/headers.js";
import { createUpstreams } from "./proxy/upstreams.js";
import { createOperationMatcher, type OperationTable, type ResolvedRoute } from "./routing/operations.js";
import { webPlugin, webRoot } from "./web.js";

type RateClass = "default" | "auth" | "email";

declare module "fastify" {
  interface FastifyRequest {
    /** Set for proxied requests once the operation is known and the caller checked. */
    gateway: { route: ResolvedRoute; caller: VerifiedToken | null; rateClass: RateClass } | null;
  }
}

export type GatewayDeps = {
  config: GatewayConfig;
  log: Logger;
  /** Shared with the user service (same REDIS_PREFIX): revoked sessions, and the rate-limit counters. */
  redis: Redis;
  verifier: TokenVerifier;
  metrics?: Metrics;
  /** The operation tables routed and documented; the contracts' SERVICE_OPERATIONS by default. */
  operations?: OperationTable;
  version?: string;
  /** NATS: with it, the live feed (`GET /api/live`) runs on this instance; without it, there is none. */
  bus?: Bus;
  /** Where the live feed's catch-up comes from (the auction service's RPC by default). */
  liveChanges?: ChangeSource;
};

/** The service that owns `/media/<key>`, and the keys it makes (one random segment, no paths). */
const MEDIA_SERVICE = "catalog";
const MEDIA_KEY = /^[A-Za-z0-9_-]{22}\.[a-z]{1,12}\.(webp|jpg|png)$/;
export const MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The longest an access token lives; only used when revoking, which the gateway never does. */
const ACCESS_TTL_SECONDS = 900;

/**
 * The public HTTP edge (never listens: main.ts does, tests use inject()). Order of work for
 * `/api/<service>/…`: security headers and CORS → exact operation match (else 404) → token check
 * (401/403) → rate limit (429) → proxy to an instance (503 when none answers, 504 on timeout).
 */
export async function buildGateway(deps: GatewayDeps) {
  const { config } = deps;
  const operations = deps.operations ?? SERVICE_OPERATIONS;
  const matcher = createOperationMatcher(operations);
  const upstreams = createUpstreams({
    upstreams: config.upstreams,
    timeoutMs: config.PROXY_TIMEOUT_MS,
    connectTimeoutMs: config.PROXY_CONNECT_TIMEOUT_MS,
    bodyLimit: config.BODY_LIMIT_BYTES,
  });
  const checkAccess = createAccessCheck({
    verifier: deps.verifier,
    revocations: createRevocationStore(deps.redis, { accessTtlSeconds: ACCESS_TTL_SECONDS }),
  });
  const live = deps.bus
    ? createLive({
        bus: deps.bus,
        config,
        log: deps.log,
        checkAccess,
        ...(deps.liveChanges ? { changes: deps.liveChanges } : {}),
      })
    : null;
  const readiness: ReadinessCheck[] = [
    { name: "redis", check: () => deps.redis.ping() },
    ...(live?.readiness ?? []),
    // Reported, not required: one service down must not take every gateway out of rotation (its
    // routes answer 503 meanwhile; the rest of the site works).
    ...upstreams.services().map((service) => ({
      name: `upstream:${service}`,
      check: () => upstreams.probe(service, config.UPSTREAM_HEALTH_TIMEOUT_MS),
      required: false,
    })),
  ];

  const app = createHttpApp({
    service: "gateway",
    instance: config.INSTANCE_ID,
    logger: deps.log,
    metrics: deps.metrics,
    readiness,
    bodyLimit: config.BODY_LIMIT_BYTES,
  });
  app.decorateRequest("gateway", null);
  app.addHook("onClose", async () => upstreams.close());
  if (live) {
    // Before any route: the plugin wraps routes as they are added, so an upgrade elsewhere is refused.
    await app.register(websocket, {
      options: { maxPayload: 16 * 1024 },
      // Shutdown tells every socket to reconnect (to another instance) and stops the stream tail.
      preClose: async () => live.close(),
    });
    app.addHook("onReady", async () => live.start());
  }

  // The gateway is public; its metrics are for the scraper only.
  app.addHook("onRequest", async (req) => {
    if (
      (req.url === "/metrics" || req.url.startsWith("/metrics?")) &&
      !config.METRICS_ALLOW.includes(req.ip)
    ) {
      throw new AppError("NOT_FOUND", 404, `No route for ${req.method} /metrics`);
    }
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "upgrade-insecure-requests": config.NODE_ENV === "production" ? [] : null,
      },
    },
  });

  const allowedOrigins = new Set(config.CORS_ORIGINS);
  await app.register(cors, {
    // Only an allowlisted origin gets any CORS header (credentials included); others get none.
    origin: (origin, cb) => cb(null, origin !== undefined && allowedOrigins.has(origin) ? origin : false),
    credentials: true,
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    exposedHeaders: [
      "x-request-id",
      "retry-after",
      "x-ratelimit-limit",
      "x-ratelimit-remaining",
      "x-ratelimit-reset",
    ],
    maxAge: 600,
  });

  const limits: Record<RateClass, number> = {
    default: config.RATE_LIMIT_DEFAULT,
    auth: config.RATE_LIMIT_AUTH,
    email: config.RATE_LIMIT_EMAIL,
  };
  const rateClassOf = (req: FastifyRequest): RateClass => req.gateway?.rateClass ?? "default";
  await app.register(rateLimit, {
    global: true,
    hook: "preHandler",
    redis: deps.redis,
    nameSpace: "gateway:rl:",
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    // Redis down: let traffic through (readiness reports it) rather than take the whole site down.
    skipOnError: true,
    max: (req) => limits[rateClassOf(req)],
    // auth/email classes count per IP even when signed in (accounts are cheap, addresses less so).
    keyGenerator: (req) => {
      const cls = rateClassOf(req);
      const sub = req.gateway?.caller?.sub;
      return cls === "default" && sub ? `default:user:${sub}` : `${cls}:ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, ctx) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new AppError(
        "RATE_LIMITED",
        429,
        `Too many requests; try again in ${seconds} s`,
        { limit: ctx.max, retryAfterSeconds: seconds },
        { "retry-after": String(seconds) },
      );
    },
  });

  const openapi = buildOpenApiDocument(operations, { version: deps.version ?? "1" });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => openapi);
  await app.register(swagger, { mode: "static", specification: { document: openapi as never } });
  await app.register(swaggerUi, {
    routePrefix: "/api/docs",
    uiConfig: { url: "/api/openapi.json", validatorUrl: null, deepLinking: true },
  });

  app.get("/api/time", { schema: { hide: true } }, async (_req, reply) => {
    const epochMs = Date.now();
    reply.header("cache-control", "no-store");
    return { now: new Date(epochMs).toISOString(), epochMs };
  });

  // The live feed (src/live): WebSocket upgrade of GET /api/live.
  live?.sockets.route(app);

  await app.register(async (api) => {
    // Bodies are streamed to the service untouched: no parsing here (a malformed body is the
    // service's 400 to give), only the size limit.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser("*", (_req, _payload, done) => done(null));

    api.route({
      method: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
      url: "/api/*",
      schema: { hide: true },
      onRequest: async (req) => {
        const resolved = matcher.resolve(req.method, req.url);
        if (!resolved.ok) {
          throw new AppError("NOT_FOUND", 404, `No route for ${req.method} ${req.url.split("?")[0]}`);
        }
        const { route } = resolved;
        const caller = await checkAccess(route.operation.access, req.headers.authorization);
        req.gateway = { route, caller, rateClass: route.operation.rate ?? "default" };
        const limit = route.operation.bodyLimit ?? config.BODY_LIMIT_BYTES;
        const length = Number(req.headers["content-length"] ?? 0);
        if (length > limit) {
          throw new AppError("PAYLOAD_TOO_LARGE", 413, `The body is larger than ${limit} bytes`);
        }
      },
      handler: async (req, reply) => {
        const { route } = req.gateway!;
        const hasBody =
          req.method !== "GET" &&
          req.method !== "HEAD" &&
          (req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0);
        const aborted = new AbortController();
        reply.raw.once("close", () => {
          if (!reply.raw.writableFinished) aborted.abort();
        });
        let res: Awaited<ReturnType<typeof upstreams.forward>>;
        try {
          res = await upstreams.forward({
            service: route.service,
            method: req.method,
            path: route.upstreamPath + route.search,
            headers: upstreamRequestHeaders(req.headers, {
              requestId: String(req.id),
              clientIp: req.ip,
              proto: req.protocol,
              host: req.headers.host,
            }),
            body: hasBody ? req.raw : null,
            signal: aborted.signal,
            bodyLimit: route.operation.bodyLimit ?? config.BODY_LIMIT_BYTES,
          });
        } catch (err) {
          // The client hung up before the answer: nobody is left to answer, and it is not an error of
          // ours (a retry with its idempotency key gets the answer if the service completed the call).
          if (aborted.signal.aborted) {
            req.log.info({ service: route.service, op: route.operation.id }, "client closed the request");
            reply.hijack();
            return;
          }
          throw err;
        }
        req.log.debug({ service: route.service, op: route.operation.id, instance: res.instance }, "proxied");
        reply.code(res.statusCode).headers(clientResponseHeaders(res.headers));
        if (req.method === "HEAD" || res.statusCode === 204 || res.statusCode === 304) {
          await res.body.dump();
          return reply.send();
        }
        return reply.send(res.body);
      },
    });
  });

  // Media (artwork images): `/media/<key>` is the catalog's, cacheable forever (a key never changes).
  // Only GET/HEAD of one plain segment; anything else is a 404 here, never forwarded.
  app.route({
    method: ["GET", "HEAD"],
    url: "/media/*",
    schema: { hide: true },
    logLevel: "warn",
    // A page shows dozens of images: media has its own, larger budget per IP, apart from the API's.
    config: {
      rateLimit: {
        max: config.RATE_LIMIT_DEFAULT * 10,
        keyGenerator: (req: FastifyRequest) => `media:ip:${req.ip}`,
      },
    },
    handler: async (req, reply) => {
      const key = req.url.split("?")[0]!.slice("/media/".length);
      if (!MEDIA_KEY.test(key) || !upstreams.has(MEDIA_SERVICE)) {
        throw new AppError("NOT_FOUND", 404, "No such media");
      }
      const res = await upstreams.forward({
        service: MEDIA_SERVICE,
        method: req.method,
        path: `/media/${key}`,
        headers: upstreamRequestHeaders(req.headers, {
          requestId: String(req.id),
          clientIp: req.ip,
          proto: req.protocol,
          host: req.headers.host,
        }),
        body: null,
      });
      reply.code(res.statusCode).headers(clientResponseHeaders(res.headers));
      if (res.statusCode === 200) reply.header("cache-control", MEDIA_CACHE_CONTROL);
      else reply.header("cache-control", "no-store");
      if (req.method === "HEAD" || res.statusCode === 304) {
        await res.body.dump();
        return reply.send();
      }
      return reply.send(res.body);
    },
  });

  await app.register(webPlugin, { root: webRoot(config.WEB_DIST) });

  return app;
}
export type Gateway = Awaited<ReturnType<typeof buildGateway>>;
