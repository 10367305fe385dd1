/** One in-app notification in words: which message, with which values, linking where. */
import type { InAppNotification } from "../../../../hooks/api/notification";

export type Formatters = {
  won: (n: number) => string;
  dateTime: (iso: string) => string;
  label: (l: { ko: string; en: string | null }) => string;
  /** The words for an artwork whose title is not known. */
  untitled: string;
};

export type NotificationView = {
  /** An `account.notif.*` message key. */
  key: string;
  vars: Record<string, string>;
  href: string | null;
  unread: boolean;
};

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
const instant = (v: unknown) => {
  const s = str(v);
  return s && !Number.isNaN(Date.parse(s)) ? s : null;
};

/**
 * The message of a notification. A value the message needs may be missing (the params are free-form):
 * then the shorter message without it is used.
 */
export function notificationView(n: InAppNotification, f: Formatters): NotificationView {
  const title = n.title ? f.label(n.title) : f.untitled;
  const p = n.params;
  const lot = n.artworkId ? `/artworks/${n.artworkId}` : null;
  const base = { unread: n.readAt === null, href: lot };
  switch (n.kind) {
    case "outbid": {
      const price = num(p.currentPrice);
      const next = num(p.nextMinimum);
      return price !== null && next !== null
        ? { ...base, key: "account.notif.outbid", vars: { title, price: f.won(price), next: f.won(next) } }
        : { ...base, key: "account.notif.outbidShort", vars: { title } };
    }
    case "won": {
      const total = num(p.total);
      return total !== null
        ? { ...base, key: "account.notif.won", vars: { title, total: f.won(total) } }
        : { ...base, key: "account.notif.wonShort", vars: { title } };
    }
    case "lost":
      return {
        ...base,
        key: p.outcome === "UNSOLD" ? "account.notif.lostUnsold" : "account.notif.lost",
        vars: { title },
      };
    case "starting_soon": {
      const at = instant(p.startsAt);
      return at
        ? { ...base, key: "account.notif.startingSoon", vars: { title, date: f.dateTime(at) } }
        : { ...base, key: "account.notif.startingSoonShort", vars: { title } };
    }
    case "payment_failed": {
      const invoiceId = str(p.invoiceId);
      const total = num(p.total);
      const href = invoiceId ? `/me/invoices/${encodeURIComponent(invoiceId)}/receipt` : "/me?tab=purchases";
      return total !== null
        ? { ...base, href, key: "account.notif.paymentFailed", vars: { title, total: f.won(total) } }
        : { ...base, href, key: "account.notif.paymentFailedShort", vars: { title } };
    }
    default:
      return { ...base, key: "account.notif.other", vars: { title } };
  }
}

/** The unread count as the bell shows it: nothing at zero, "99+" above 99. */
export const badgeCount = (count: number | undefined) =>
  !count || count <= 0 ? null : count > 99 ? "99+" : String(count);
