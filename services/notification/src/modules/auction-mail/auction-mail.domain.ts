/** Pure rules of the auction emails and notifications: amounts, times, titles, windows. */

export type Locale = "ko" | "en";

/** At most one outbid email per (user, lot) in this window. */
export const OUTBID_EMAIL_WINDOW_MS = 10 * 60_000;
/** "Starting soon" reminders go out this long before a lot starts. */
export const REMINDER_LEAD_MS = 30 * 60_000;

/** Won, the way each locale writes it: `1,250,000원` / `KRW 1,250,000`. */
export function formatWon(amount: number, locale: Locale): string {
  const n = Math.round(amount).toLocaleString("en-US");
  return locale === "ko" ? `${n}원` : `KRW ${n}`;
}

/** An instant in Korean time (the auction house's), with the zone named. */
export function formatInstant(iso: string | Date, locale: Locale): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  const s = new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-GB", {
    timeZone: "Asia/Seoul",
    year: "numeric",
    month: locale === "ko" ? "long" : "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(d);
  return `${s} KST`;
}

export type ArtworkTitle = { ko: string; en: string | null };

/** The phrases used when an artwork's title is not known here (yet). */
export const UNKNOWN_TITLE = {
  watched: { ko: "관심 작품", en: "an artwork" },
  purchased: { ko: "구매하신 작품", en: "your artwork" },
} as const;

/** The title in the reader's language (Korean when there is no English one); a neutral phrase if unknown. */
export function titleFor(
  title: ArtworkTitle | null,
  locale: Locale,
  unknown: { ko: string; en: string } = UNKNOWN_TITLE.watched,
): string {
  if (!title) return unknown[locale];
  return locale === "en" ? (title.en ?? title.ko) : title.ko;
}

/** The sale's amounts: hammer price (the current price when absent), premium (0 when absent), total. */
export function saleAmounts(sale: { hammerPrice?: number; premium?: number; currentPrice: number }) {
  const hammerPrice = sale.hammerPrice ?? sale.currentPrice;
  const premium = sale.premium ?? 0;
  return { hammerPrice, premium, total: hammerPrice + premium };
}

/** Whole minutes from `now` to `startsAt`, at least 1. */
export function minutesBefore(startsAt: Date, now: Date): number {
  return Math.max(1, Math.round((startsAt.getTime() - now.getTime()) / 60_000));
}

/** Statuses after which a lot takes no bids. */
export const ENDED_STATUSES = new Set(["CLOSED", "SOLD", "UNSOLD", "CANCELLED"]);
