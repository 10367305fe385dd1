import type { Operation } from "@arte/contracts";

export type OperationTable = Record<string, Record<string, Operation>>;

export type ResolvedRoute = {
  service: string;
  operation: Operation;
  /** The path the service serves (`/v1/...`), exactly as the client sent it (not re-encoded). */
  upstreamPath: string;
  /** `?a=1&b=2` or "" */
  search: string;
};

export type Resolution =
  | { ok: true; route: ResolvedRoute }
  | { ok: false; reason: "unknown-service" | "no-operation" | "bad-path" };

type Compiled = { method: string; segments: (string | null)[]; operation: Operation };

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Decides which operation a request is, by exact method + path: literal segments must be equal
 * character for character, `:params` take exactly one segment. There is no substring, prefix or
 * case-insensitive matching, and paths that a server or URL parser would rewrite (dot segments,
 * encoded slashes or dots, backslashes, empty segments) match nothing.
 */
export function createOperationMatcher(table: OperationTable) {
  const byService = new Map<string, Compiled[]>();
  for (const [service, ops] of Object.entries(table)) {
    const compiled: Compiled[] = Object.values(ops).map((op) => ({
      method: op.method,
      segments: op.path
        .split("/")
        .slice(1)
        .map((s) => (s.startsWith(":") ? null : s)),
      operation: op,
    }));
    byService.set(service, compiled);
  }

  return {
    services: [...byService.keys()],
    /** `url` is the raw request target (`/api/users/v1/me?x=1`). HEAD is matched as GET. */
    resolve(method: string, url: string): Resolution {
      const q = url.indexOf("?");
      const path = q === -1 ? url : url.slice(0, q);
      const search = q === -1 ? "" : url.slice(q);
      const m = /^\/api\/([^/]+)(\/.*)$/.exec(path);
      if (!m) return { ok: false, reason: "no-operation" };
      const service = m[1]!;
      const rest = m[2]!;
      const ops = SERVICE_NAME.test(service) ? byService.get(service) : undefined;
      if (!ops) return { ok: false, reason: "unknown-service" };
      const segments = rest.split("/").slice(1);
      if (!segments.every(isPlainSegment)) return { ok: false, reason: "bad-path" };
      const wanted = method === "HEAD" ? "GET" : method;
      for (const c of ops) {
        if (c.method !== wanted || c.segments.length !== segments.length) continue;
        if (c.segments.every((lit, i) => lit === null || lit === segments[i])) {
          return { ok: true, route: { service, operation: c.operation, upstreamPath: rest, search } };
        }
      }
      return { ok: false, reason: "no-operation" };
    },
  };
}
export type OperationMatcher = ReturnType<typeof createOperationMatcher>;

/** A non-empty segment that stays one segment, and the same segment, after any decoding or normalisation. */
function isPlainSegment(raw: string): boolean {
  if (raw.length === 0 || raw.includes("\\")) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return false;
  }
  if (decoded === "." || decoded === ".." || decoded.includes("/") || decoded.includes("\\")) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a path are refused
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return false;
  // "%2e" and friends: a second decoding pass (some servers do one) must not change the meaning either.
  return !/%2e|%2f|%5c|%25/i.test(raw);
}
