import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { AppError } from "@arte/platform";
import { Agent, type Dispatcher } from "undici";

type Instance = { base: string; origin: string; basePath: string; downUntil: number };

export type ForwardRequest = {
  service: string;
  method: string;
  /** Service-relative path and query, sent as is (never re-parsed, so never normalised). */
  path: string;
  headers: Record<string, string | string[]>;
  /** The client's body, or null when there is none. Read lazily, at most once. */
  body: Readable | null;
  signal?: AbortSignal;
  /** This request's body limit (an operation's own); the gateway-wide limit otherwise. */
  bodyLimit?: number;
};

export type ForwardResponse = {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData["body"];
  instance: string;
};

/** Raised by the body counter when a streamed (chunked) body grows past the limit. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

/** The connection never carried a byte of the request: another instance may safely get it. */
const CONNECT_FAILURES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
]);
/** A pooled keep-alive socket the instance had already closed (it restarted or was killed). */
const STALE_SOCKET = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);
const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** How long an instance that refused a connection is tried only after the others. */
const DOWN_FOR_MS = 2_000;

/**
 * Instances per service, chosen round-robin. A request goes to the next instance; when that one
 * refuses the connection (nothing was sent yet) it moves on, until every instance was tried:
 * then 503. An instance that refused is put last for a moment, so a dead one costs one refusal, not
 * one per request.
 */
export function createUpstreams(opts: {
  upstreams: Record<string, string[]>;
  timeoutMs: number;
  connectTimeoutMs: number;
  bodyLimit: number;
}) {
  const agent = new Agent({
    connect: { timeout: opts.connectTimeoutMs },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 4_000,
  });
  const pools = new Map<string, { instances: Instance[]; next: number }>();
  for (const [service, bases] of Object.entries(opts.upstreams)) {
    pools.set(service, {
      next: 0,
      instances: bases.map((base) => {
        const u = new URL(base);
        return { base, origin: u.origin, basePath: u.pathname.replace(/\/+$/, ""), downUntil: 0 };
      }),
    });
  }

  function order(service: string): Instance[] {
    const pool = pools.get(service);
    if (!pool || pool.instances.length === 0) return [];
    const n = pool.instances.length;
    const start = pool.next++ % n;
    if (pool.next >= Number.MAX_SAFE_INTEGER) pool.next = 0;
    const rotated = [...pool.instances.slice(start), ...pool.instances.slice(0, start)];
    const now = Date.now();
    return [...rotated.filter((i) => i.downUntil <= now), ...rotated.filter((i) => i.downUntil > now)];
  }

  return {
    has: (service: string) => pools.has(service),
    services: () => [...pools.keys()],

    async forward(req: ForwardRequest): Promise<ForwardResponse> {
      const candidates = order(req.service);
      if (candidates.length === 0) {
        throw new AppError("SERVICE_UNAVAILABLE", 503, `No instance of ${req.service} is configured`);
      }
      const counter = { bytes: 0 };
      const bodyLimit = req.bodyLimit ?? opts.bodyLimit;
      const idempotent = req.method === "GET" || req.method === "HEAD";
      const refused: string[] = [];
      for (const instance of candidates) {
        const body = req.body ? lazyCountedBody(req.body, counter, bodyLimit) : null;
        try {
          const res = await agent.request({
            origin: instance.origin,
            path: instance.basePath + req.path,
            method: req.method as Dispatcher.HttpMethod,
            headers: req.headers,
            body,
            signal: req.signal,
          });
          instance.downUntil = 0;
          return {
            statusCode: res.statusCode,
            headers: res.headers,
            body: res.body,
            instance: instance.base,
          };
        } catch (err) {
          body?.destroy();
          if (err instanceof BodyTooLargeError) {
            throw new AppError("PAYLOAD_TOO_LARGE", 413, `The body is larger than ${bodyLimit} bytes`);
          }
          const code = errorCode(err);
          const nothingSent = counter.bytes === 0;
          if (CONNECT_FAILURES.has(code) && nothingSent) {
            instance.downUntil = Date.now() + DOWN_FOR_MS;
            refused.push(`${instance.base}: ${code}`);
            continue;
          }
          if (STALE_SOCKET.has(code) && nothingSent && idempotent && !req.body) {
            refused.push(`${instance.base}: ${code}`);
            continue;
          }
          if (req.signal?.aborted) throw err;
          if (TIMEOUTS.has(code)) {
            throw new AppError("GATEWAY_TIMEOUT", 504, `${req.service} did not answer in time`);
          }
          throw new AppError("BAD_GATEWAY", 502, `${req.service} failed to answer`, { reason: code });
        }
      }
      throw new AppError("SERVICE_UNAVAILABLE", 503, `${req.service} is unavailable, try again shortly`, {
        tried: refused.length,
      });
    },

    /** At least one instance of the service answers its /healthz with 2xx within `timeoutMs`. */
    async probe(service: string, timeoutMs: number): Promise<string> {
      const pool = pools.get(service);
      if (!pool?.instances.length) throw new Error("no instance configured");
      const failures: string[] = [];
      const results = await Promise.all(
        pool.instances.map(async (i) => {
          try {
            const res = await agent.request({
              origin: i.origin,
              path: `${i.basePath}/healthz`,
              method: "GET",
              headersTimeout: timeoutMs,
              bodyTimeout: timeoutMs,
              signal: AbortSignal.timeout(timeoutMs),
            });
            await res.body.dump();
            if (res.statusCode >= 200 && res.statusCode < 300) return i.base;
            failures.push(`${i.base}: ${res.statusCode}`);
          } catch (err) {
            failures.push(`${i.base}: ${errorCode(err) || "error"}`);
          }
          return null;
        }),
      );
      const up = results.filter((r): r is string => r !== null);
      if (up.length === 0) throw new Error(`no instance answered: ${failures.join(", ")}`);
      return `${up.length}/${pool.instances.length} up`;
    },

    close: () => agent.close(),
  };
}
export type Upstreams = ReturnType<typeof createUpstreams>;

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown }; name?: string } | null;
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return "UND_ERR_HEADERS_TIMEOUT";
  return "";
}

/**
 * A per-attempt view of the client's body. It starts reading the client's stream only when undici
 * asks for the first chunk, which it does once connected: a refused connection leaves the client's
 * body untouched for the next instance. It counts bytes and stops at `limit` (chunked bodies have no
 * Content-Length to check up front).
 */
function lazyCountedBody(src: Readable, counter: { bytes: number }, limit: number): Readable {
  let attached = false;
  const onData = (chunk: Buffer) => {
    counter.bytes += chunk.length;
    if (counter.bytes > limit) {
      detach();
      out.destroy(new BodyTooLargeError("body too large"));
      return;
    }
    if (!out.push(chunk)) src.pause();
  };
  const onEnd = () => out.push(null);
  const onError = (err: Error) => out.destroy(err);
  const detach = () => {
    src.off("data", onData);
    src.off("end", onEnd);
    src.off("error", onError);
    src.pause();
  };
  const out: Readable = new Readable({
    read() {
      if (!attached) {
        attached = true;
        src.on("data", onData);
        src.on("end", onEnd);
        src.on("error", onError);
      }
      src.resume();
    },
    destroy(err, cb) {
      if (attached) detach();
      cb(err);
    },
  });
  return out;
}
