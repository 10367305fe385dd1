/**
 * The admin list's keyset cursor: the last row's (created_at, id), opaque to clients (base64url JSON).
 * `created_at` keeps microseconds (as Postgres stores it), so no two rows share a position by rounding.
 */
export type Cursor = { createdAt: string; id: string };

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeCursor = (c: Cursor) =>
  Buffer.from(JSON.stringify([c.createdAt, c.id]), "utf8").toString("base64url");

/** The cursor, or null when it is not one this service made. */
export function decodeCursor(s: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,500}$/.test(s)) return null;
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [createdAt, id] = v as unknown[];
    if (typeof createdAt !== "string" || typeof id !== "string") return null;
    if (!TS.test(createdAt) || !UUID.test(id) || Number.isNaN(Date.parse(createdAt))) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}
