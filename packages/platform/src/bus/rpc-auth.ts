import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { MsgHdrs } from "@nats-io/transport-node";

/**
 * Signed requests between services (ADR 0006). Each service holds its own secret; a callee that
 * guards its RPCs knows the secrets of the services allowed to call it. A request carries
 * `Arte-Caller`, `Arte-Ts` (ms) and `Arte-Sig` = HMAC-SHA256(secret, subject \n ts \n sha256(body)).
 * Requests older than the skew window are refused, so a captured request cannot be replayed later
 * (and every money operation is idempotent by key within it).
 */
export type RpcCredentials = { service: string; secret: string };
export type RpcGuard = {
  /** caller service → its secret */
  callers: Record<string, string>;
  /** callers allowed for this RPC (default: every known caller) */
  allow?: string[];
  maxSkewMs?: number;
};

const digest = (subject: string, ts: string, body: Uint8Array, secret: string) =>
  createHmac("sha256", secret)
    .update(`${subject}\n${ts}\n${createHash("sha256").update(body).digest("hex")}`)
    .digest();

export function signRequest(
  h: MsgHdrs,
  creds: RpcCredentials,
  subject: string,
  body: Uint8Array,
  now = Date.now(),
) {
  const ts = String(now);
  h.set("Arte-Caller", creds.service);
  h.set("Arte-Ts", ts);
  h.set("Arte-Sig", digest(subject, ts, body, creds.secret).toString("base64url"));
}

/** The verified caller's service name, or null when the request is unsigned, stale, forged or not allowed. */
export function verifyRequest(
  h: MsgHdrs | undefined,
  guard: RpcGuard,
  subject: string,
  body: Uint8Array,
  now = Date.now(),
): string | null {
  const caller = h?.get("Arte-Caller") ?? "";
  const ts = h?.get("Arte-Ts") ?? "";
  const sig = h?.get("Arte-Sig") ?? "";
  const secret = Object.hasOwn(guard.callers, caller) ? guard.callers[caller] : undefined;
  if (!caller || !ts || !sig || !secret) return null;
  if (guard.allow && !guard.allow.includes(caller)) return null;
  const at = Number(ts);
  if (!Number.isFinite(at) || Math.abs(now - at) > (guard.maxSkewMs ?? 30_000)) return null;
  const expected = digest(subject, ts, body, secret);
  const given = Buffer.from(sig, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected) ? caller : null;
}

/** Parses `RPC_CALLERS` style JSON (`{"users":"<secret>",…}`). */
export function parseCallers(json: string | undefined): Record<string, string> {
  if (!json) return {};
  const v = JSON.parse(json) as unknown;
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("RPC_CALLERS must be a JSON object");
  return Object.fromEntries(Object.entries(v).map(([k, s]) => [k, String(s)]));
}
