import { fileURLToPath } from "node:url";
import { BaseEnv, loadConfig } from "@arte/platform";
import { z } from "zod";

/** A comma-separated list in one env value; blanks are dropped. */
const csv = (fallback = "") =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    );

const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

/**
 * The gateway's settings. BaseEnv's DATABASE_URL is unused here; NATS_* connect the live feed.
 * Upstreams are not listed in the schema: every `UPSTREAM_<SERVICE>` variable is one service (see `upstreamsFrom`).
 */
export const GatewayEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Origins allowed to call the API from a browser (credentials included). Empty: no CORS at all. */
  CORS_ORIGINS: csv(),
  /** Largest request body proxied to a service; bigger → 413. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** How long an upstream may take to send its response headers; longer → 504. */
  PROXY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long connecting to one instance may take before the next instance is tried. */
  PROXY_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(1_000),
  /** Each readiness probe of an upstream instance's /healthz gets this long. */
  UPSTREAM_HEALTH_TIMEOUT_MS: z.coerce.number().int().positive().default(1_000),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /** Requests per window: per user when signed in, else per IP. */
  RATE_LIMIT_DEFAULT: z.coerce.number().int().positive().default(300),
  /** Requests per window and IP to operations of rate class "auth" (login, sign-up, codes). */
  RATE_LIMIT_AUTH: z.coerce.number().int().positive().default(20),
  /** Requests per window and IP to operations of rate class "email" (anything that sends an email). */
  RATE_LIMIT_EMAIL: z.coerce.number().int().positive().default(5),
  /** The web app's build; when it has no index.html, apps/web/public is served instead. */
  WEB_DIST: z.string().default(DEFAULT_WEB_DIST),
  /** Client IPs allowed to read /metrics (the gateway is public; its metrics are not). */
  METRICS_ALLOW: csv("127.0.0.1,::1,::ffff:127.0.0.1"),
  // The live feed (GET /api/live, WebSocket): see src/live.
  /** Lots one socket may watch at once; over it, the subscription is refused (TOO_MANY_LOTS). */
  LIVE_MAX_LOTS_PER_SOCKET: z.coerce.number().int().positive().default(50),
  /** Open sockets per client IP on this instance; over it, the new socket is closed with 4429. */
  LIVE_MAX_SOCKETS_PER_IP: z.coerce.number().int().positive().default(20),
  /** Bytes queued for a socket before it counts as a slow consumer and is closed with 4408. */
  LIVE_MAX_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024),
  /** A client further behind than this many changes of a lot gets a snapshot instead (≤ 500). */
  LIVE_CATCH_UP_MAX: z.coerce.number().int().min(1).max(500).default(200),
  /** Protocol-level ping interval; a socket that did not answer the previous one is dropped. */
  LIVE_HEARTBEAT_MS: z.coerce.number().int().positive().default(30_000),
});

export type GatewayConfig = z.infer<typeof GatewayEnv> & {
  /** Service name (as in `/api/<service>`) → base URLs of its instances. */
  upstreams: Record<string, string[]>;
};

/**
 * `UPSTREAM_USERS=http://127.0.0.1:4100,http://127.0.0.1:4101` → `{ users: [...] }`.
 * `UPSTREAM_AUCTION_LIVE` → service `auction-live`. Every URL must be absolute http(s).
 */
export function upstreamsFrom(env: Record<string, string | undefined>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    const m = /^UPSTREAM_([A-Z0-9_]+)$/.exec(key);
    if (!m || m[1] === "HEALTH_TIMEOUT_MS" || value === undefined) continue;
    const service = m[1]!.toLowerCase().replaceAll("_", "-");
    const urls = value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
    for (const u of urls) {
      const parsed = URL.canParse(u) ? new URL(u) : null;
      if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.search || parsed.hash) {
        problems.push(`  ${key}: "${u}" is not an http(s) base URL`);
      }
    }
    if (urls.length === 0) problems.push(`  ${key}: lists no instance`);
    out[service] = urls.map((u) => u.replace(/\/+$/, ""));
  }
  if (problems.length) throw new Error(`invalid configuration:\n${problems.join("\n")}`);
  return out;
}

export function parseConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return { ...loadConfig(GatewayEnv, env), upstreams: upstreamsFrom(env) };
}
