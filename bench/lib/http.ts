import { Agent, request as httpRequest } from "node:http";
import { performance } from "node:perf_hooks";

export type HttpAnswer = { status: number; json: unknown; ms: number };

/**
 * A small keep-alive HTTP/1.1 client for loopback benchmarks (node:http, one socket per in-flight
 * request, sockets reused). `status` 0 means a network error (the message is in `json.error`).
 */
export function http(base: string, opts: { maxSockets?: number; timeoutMs?: number } = {}) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 1024, scheduling: "lifo" });
  const timeoutMs = opts.timeoutMs ?? 30_000;

  function request(
    method: string,
    path: string,
    o: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    const headers: Record<string, string | number> = { ...o.headers };
    if (payload) {
      headers["content-type"] = "application/json";
      headers["content-length"] = payload.length;
    }
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path, method, headers, agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown = null;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              json = { text: text.slice(0, 200) };
            }
            resolve({ status: res.statusCode ?? 0, json, ms: performance.now() - t0 });
          });
          res.on("error", (err) =>
            resolve({ status: 0, json: { error: err.message }, ms: performance.now() - t0 }),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on("error", (err) =>
        resolve({ status: 0, json: { error: err.message }, ms: performance.now() - t0 }),
      );
      req.end(payload);
    });
  }

  return { request, close: () => agent.destroy() };
}
