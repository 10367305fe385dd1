/**
 * The one fetch wrapper. Calls `/api/<service><path>` on the same origin, sends the access token kept in
 * memory, refreshes it once through the httpOnly cookie on a 401 and retries, and turns every failure
 * into an {@link ApiError} with the problem+json `code` and `status` (the UI switches on `code`).
 */
import { type Body, type OpId, operations, type Query, type Response, type Service } from "./operations";

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly fieldErrors: { path: string; message: string }[];
  readonly meta: Record<string, unknown> | undefined;
  constructor(p: {
    code: string;
    status: number;
    message: string;
    requestId?: string | undefined;
    errors?: { path: string; message: string }[] | undefined;
    meta?: Record<string, unknown> | undefined;
  }) {
    super(p.message);
    this.name = "ApiError";
    this.code = p.code;
    this.status = p.status;
    this.requestId = p.requestId;
    this.fieldErrors = p.errors ?? [];
    this.meta = p.meta;
  }
}

/** Codes the client makes itself when there is no problem body. */
export const CLIENT_ERRORS = { NETWORK_ERROR: 0, UNKNOWN_ERROR: 0 } as const;

const STATUS_CODES: Record<number, string> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  429: "RATE_LIMITED",
  500: "INTERNAL",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

/** Reads an error response: a problem+json body's `code`, else one derived from the status. */
export async function toApiError(res: globalThis.Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let body: Record<string, unknown> | null = null;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    body = null;
  }
  const code =
    typeof body?.code === "string"
      ? body.code
      : (STATUS_CODES[res.status] ?? (res.status >= 500 ? "INTERNAL" : "UNKNOWN_ERROR"));
  const error = body?.error as { details?: unknown } | undefined;
  return new ApiError({
    code,
    status: res.status,
    message:
      typeof body?.detail === "string"
        ? body.detail
        : typeof body?.title === "string"
          ? body.title
          : res.statusText,
    requestId:
      typeof body?.requestId === "string" ? body.requestId : (res.headers.get("x-request-id") ?? undefined),
    errors: Array.isArray(body?.errors) ? (body.errors as { path: string; message: string }[]) : undefined,
    meta:
      error?.details && typeof error.details === "object"
        ? (error.details as Record<string, unknown>)
        : undefined,
  });
}

// ---- the access token: in memory only; the refresh token is an httpOnly cookie the browser keeps ----

export type Session = Response<"users", "refresh">;
let session: Session | null = null;
const listeners = new Set<(s: Session | null) => void>();

/**
 * A hint (not a secret) that this browser signed in before: without it the app does not try the refresh
 * cookie on load, so anonymous visits cost no request against the sign-in rate limit.
 */
const HINT_KEY = "arte.signed-in";
export function mayHaveSession() {
  try {
    return localStorage.getItem(HINT_KEY) === "1";
  } catch {
    return true;
  }
}

export const getSession = () => session;
export function setSession(s: Session | null) {
  session = s;
  try {
    if (s) localStorage.setItem(HINT_KEY, "1");
    else localStorage.removeItem(HINT_KEY);
  } catch {
    // storage blocked: the hint is only an optimisation
  }
  for (const l of listeners) l(s);
}
export function onSessionChange(l: (s: Session | null) => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

let refreshing: Promise<Session | null> | null = null;

/**
 * Trades the refresh cookie for a new access token. Single-flight: refresh tokens rotate and a reused
 * one ends the whole session family, so two concurrent refreshes must never both hit the server.
 */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= (async () => {
    try {
      const res = await fetch(`/api/users${operations.users.refresh.path}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { accept: "application/json" },
      });
      if (!res.ok) {
        setSession(null);
        return null;
      }
      const s = (await res.json()) as Session;
      setSession(s);
      return s;
    } catch {
      return session;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export type CallOptions<S extends Service, K extends OpId<S>> = {
  params?: Record<string, string>;
  query?: Query<S, K>;
  body?: Body<S, K>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

function buildUrl(service: Service, path: string, params?: Record<string, string>, query?: object) {
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} of ${path}`);
    return encodeURIComponent(v);
  });
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== "") qs.set(k, String(v));
  const q = qs.toString();
  return `/api/${service}${filled}${q ? `?${q}` : ""}`;
}

/** Calls one contract operation; throws {@link ApiError} on any failure. */
export async function api<S extends Service, K extends OpId<S>>(
  service: S,
  id: K,
  opts: CallOptions<S, K> = {},
): Promise<Response<S, K>> {
  const op = (operations[service] as Record<string, { method: string; path: string }>)[id as string]!;
  const url = buildUrl(service, op.path, opts.params, opts.query ?? undefined);
  const send = async () => {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (session) headers.authorization = `Bearer ${session.accessToken}`;
    try {
      return await fetch(url, {
        method: op.method,
        headers,
        credentials: "same-origin",
        body: opts.body !== undefined ? JSON.stringify(opts.body) : null,
        signal: opts.signal ?? null,
      });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError({ code: "NETWORK_ERROR", status: 0, message: String(err) });
    }
  };
  let res = await send();
  if (res.status === 401 && session && !url.includes("/v1/auth/")) {
    // The access token expired (or the session ended): one refresh, one retry.
    const renewed = await refreshSession();
    if (renewed) res = await send();
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as Response<S, K>;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as Response<S, K>;
}

/** A fresh key for one money or bid intent (reuse it when retrying the same intent). */
export const newIdempotencyKey = () =>
  typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
