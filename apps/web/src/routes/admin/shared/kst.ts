/**
 * Auction times are entered and shown in Seoul time (KST, UTC+9, no daylight saving) and sent to the
 * API as ISO instants. `<input type="datetime-local">` gives a wall time without a zone: these helpers
 * read it as KST whatever the browser's own zone is.
 */
const KST_OFFSET_MS = 9 * 3600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** A Seoul wall time `YYYY-MM-DDTHH:mm` (seconds optional) as an ISO instant, or null when not a real time. */
export function kstInputToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const real =
    wall.getUTCFullYear() === y &&
    wall.getUTCMonth() === mo - 1 &&
    wall.getUTCDate() === d &&
    wall.getUTCHours() === h &&
    wall.getUTCMinutes() === mi &&
    wall.getUTCSeconds() === s;
  if (!real) return null;
  return new Date(wall.getTime() - KST_OFFSET_MS).toISOString();
}

/** An instant as the Seoul wall time a datetime-local input shows (`YYYY-MM-DDTHH:mm`). */
export function isoToKstInput(iso: string): string {
  const w = new Date(Date.parse(iso) + KST_OFFSET_MS);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
}

/** The Seoul calendar day (`YYYY-MM-DD`) of an instant. */
export function kstDay(ms: number): string {
  const w = new Date(ms + KST_OFFSET_MS);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
}

/** The instant a Seoul day (`YYYY-MM-DD`) begins. */
export function kstDayStartIso(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - KST_OFFSET_MS).toISOString();
}

/** The instant the Seoul day after `day` begins (an exclusive upper bound for "created before"). */
export function kstNextDayStartIso(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1) - KST_OFFSET_MS).toISOString();
}
