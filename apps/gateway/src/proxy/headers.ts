import type { IncomingHttpHeaders } from "node:http";

/** Hop-by-hop headers (RFC 9110 §7.6.1) and ones the gateway sets itself: never copied across. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "expect",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-real-ip",
  "x-request-id",
]);

/**
 * Headers through which someone might claim an identity. Services verify the access token and
 * trust none of these, but the gateway removes them anyway: defence in depth against a service that
 * forgets (the original platform's services trusted `userId`/`role` blindly).
 */
const IDENTITY_NAMES = new Set([
  "user",
  "userid",
  "username",
  "role",
  "roles",
  "remote-user",
  "x-user",
  "x-userid",
  "x-username",
  "x-role",
  "x-roles",
  "x-remote-user",
  "x-principal",
  "x-identity",
  "x-userinfo",
  "x-email",
  "x-groups",
  "x-admin",
  "x-impersonate",
]);
const IDENTITY_PREFIXES = [
  "user-",
  "role-",
  "x-user-",
  "x-role-",
  "x-auth-",
  "x-authenticated-",
  "x-forwarded-user",
  "x-forwarded-email",
  "x-forwarded-groups",
  "x-forwarded-preferred-username",
  "x-forwarded-access-token",
  "x-jwt-",
  "x-consumer-",
  "x-remote-",
  "x-ms-client-principal",
  "x-goog-authenticated-",
  "x-amzn-oidc-",
];

export function isIdentityHeader(name: string): boolean {
  const n = name.toLowerCase();
  if (n === "user-agent") return false;
  return IDENTITY_NAMES.has(n) || IDENTITY_PREFIXES.some((p) => n.startsWith(p));
}

/** The headers sent to a service: the client's, minus hop-by-hop and identity ones, plus the gateway's own. */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  own: { requestId: string; clientIp: string; proto: string; host: string | undefined },
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const listedInConnection = new Set(
    String(incoming.connection ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const n = name.toLowerCase();
    if (HOP_BY_HOP.has(n) || listedInConnection.has(n) || isIdentityHeader(n)) continue;
    out[n] = value;
  }
  out["x-request-id"] = own.requestId;
  out["x-forwarded-for"] = own.clientIp;
  out["x-forwarded-proto"] = own.proto;
  if (own.host) out["x-forwarded-host"] = own.host;
  return out;
}

/**
 * The headers sent back to the client: the service's, minus hop-by-hop ones and CORS headers (the
 * gateway alone answers CORS, so they are never doubled). Set-Cookie passes through as a list.
 */
export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined) continue;
    const n = name.toLowerCase();
    if (HOP_BY_HOP.has(n) || n.startsWith("access-control-")) continue;
    out[n] = value;
  }
  return out;
}
