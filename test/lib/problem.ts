import type { HttpResult } from "./system.js";

/** The auth refusals of the platform: a 401/403 with any other code is a domain answer. */
export const AUTH_REFUSALS = new Set(["UNAUTHENTICATED", "TOKEN_INVALID", "TOKEN_EXPIRED", "FORBIDDEN"]);

/**
 * What is wrong with an error response, or null: every error is `application/problem+json` with
 * `type`, `title`, `status` (= the HTTP status), `code`, `requestId` (= `x-request-id`) and
 * `error { code, message }` (ADR 0003).
 */
export function problemShapeIssue(res: HttpResult): string | null {
  if (res.status < 400) return null;
  if (!res.contentType.startsWith("application/problem+json")) return `content-type ${res.contentType}`;
  const p = res.json as Record<string, unknown> | null;
  if (!p || typeof p !== "object") return `body is not JSON: ${res.text.slice(0, 80)}`;
  const missing = ["type", "title", "code", "requestId"].filter((k) => typeof p[k] !== "string");
  if (missing.length) return `missing ${missing.join(", ")}`;
  if (p.status !== res.status) return `status ${String(p.status)} ≠ ${res.status}`;
  const e = p.error as Record<string, unknown> | undefined;
  if (!e || typeof e.code !== "string" || typeof e.message !== "string") return "no error { code, message }";
  if (e.code !== p.code) return `error.code ${String(e.code)} ≠ code ${String(p.code)}`;
  const rid = res.headers.get("x-request-id");
  if (rid && rid !== p.requestId) return `requestId ${String(p.requestId)} ≠ x-request-id ${rid}`;
  return null;
}

export const codeOf = (res: HttpResult): string =>
  ((res.json as { code?: unknown } | null)?.code as string | undefined) ?? "";

/** A fixed-width text table for failure messages. */
export function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "(none)";
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => String(v ?? "").replaceAll("\n", " ");
  const widths = cols.map((c) => Math.min(70, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i]!)).join(" | ");
  return [
    line(cols),
    widths.map((w) => "-".repeat(w)).join("-+-"),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join("\n");
}
