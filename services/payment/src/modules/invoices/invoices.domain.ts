import type { payment } from "@arte/contracts";

// ---- cursors ----

/** `(created_at, id)` keyset of a buyer's purchases. */
export const encodeKeyset = (at: Date, id: string) =>
  Buffer.from(`${at.toISOString()}|${id}`, "utf8").toString("base64url");

export function decodeKeyset(cursor: string): { at: Date; id: string } | null {
  const raw = Buffer.from(cursor, "base64url").toString("utf8");
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/i.exec(raw);
  if (!m?.[1] || !m[2]) return null;
  const at = new Date(m[1]);
  return Number.isNaN(at.getTime()) ? null : { at, id: m[2] };
}

/** The admin list's cursor (failed-first ordering): an offset. */
export const encodeOffset = (n: number) => Buffer.from(`o:${n}`, "utf8").toString("base64url");
export function decodeOffset(cursor: string): number | null {
  const m = /^o:(\d{1,7})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m?.[1] ? Number(m[1]) : null;
}

// ---- daily totals ----

const DAY_MS = 86_400_000;
const dayIn = (d: Date, tz: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(d);

/** The inclusive day range of a daily-totals query: default the 30 days up to today; at most 366 days. */
export function defaultRange(
  from: string | undefined,
  to: string | undefined,
  tz: string,
  now = new Date(),
): { from: string; to: string } | null {
  const end = to ?? dayIn(now, tz);
  const start = from ?? new Date(Date.parse(`${end}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  const span = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS;
  if (!Number.isFinite(span) || span < 0 || span > 365) return null;
  return { from: start, to: end };
}

// ---- the receipt ----

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

const TEXT = {
  ko: {
    title: "영수증",
    brand: "아르테 모데르니",
    number: "영수증 번호",
    issued: "발행일",
    paidAt: "결제일",
    lot: "경매 로트",
    artwork: "작품",
    hammer: "낙찰가",
    premium: "구매자 수수료",
    total: "합계",
    refunded: "환불액",
    status: "상태",
    notPaid: "미결제",
    statuses: {
      ISSUED: "결제 대기",
      PAID: "결제 완료",
      PAYMENT_FAILED: "결제 실패",
      PARTIALLY_REFUNDED: "부분 환불",
      REFUNDED: "환불 완료",
    },
  },
  en: {
    title: "Receipt",
    brand: "Arte Moderni",
    number: "Receipt no.",
    issued: "Issued",
    paidAt: "Paid",
    lot: "Lot",
    artwork: "Artwork",
    hammer: "Hammer price",
    premium: "Buyer's premium",
    total: "Total",
    refunded: "Refunded",
    status: "Status",
    notPaid: "not paid",
    statuses: {
      ISSUED: "Awaiting payment",
      PAID: "Paid",
      PAYMENT_FAILED: "Payment failed",
      PARTIALLY_REFUNDED: "Partially refunded",
      REFUNDED: "Refunded",
    },
  },
} as const;

const won = (n: number, lang: "ko" | "en") =>
  lang === "ko"
    ? `${new Intl.NumberFormat("ko-KR").format(n)}원`
    : `KRW ${new Intl.NumberFormat("en-US").format(n)}`;

const when = (iso: string, lang: "ko" | "en") =>
  `${new Intl.DateTimeFormat(lang === "ko" ? "ko-KR" : "en-GB", {
    timeZone: "Asia/Seoul",
    dateStyle: "long",
    timeStyle: "short",
  }).format(new Date(iso))} KST`;

/** A printable, self-contained HTML receipt; every value is escaped. */
export function renderReceipt(inv: payment.Invoice, lang: "ko" | "en"): string {
  const t = TEXT[lang];
  const e = escapeHtml;
  const pct = `${(inv.premiumBps / 100).toFixed(inv.premiumBps % 100 === 0 ? 0 : 2)}%`;
  const rows: [string, string][] = [
    [t.number, inv.number],
    [t.issued, when(inv.createdAt, lang)],
    [t.paidAt, inv.paidAt ? when(inv.paidAt, lang) : t.notPaid],
    [t.status, t.statuses[inv.status]],
    [t.lot, inv.lotId],
    [t.artwork, inv.artworkId],
  ];
  const amounts: [string, string][] = [
    [t.hammer, won(inv.hammer, lang)],
    [`${t.premium} (${pct})`, won(inv.premium, lang)],
    [t.total, won(inv.total, lang)],
  ];
  if (inv.refundedTotal > 0) amounts.push([t.refunded, `−${won(inv.refundedTotal, lang)}`]);
  const tr = ([k, v]: [string, string]) => `<tr><th scope="row">${e(k)}</th><td>${e(v)}</td></tr>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${t.brand} — ${t.title} ${inv.number}`)}</title>
<style>
body{font-family:system-ui,-apple-system,"Noto Sans KR",sans-serif;color:#111;max-width:40rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.4rem;margin:0 0 .25rem}p.brand{color:#555;margin:0 0 1.5rem}
table{width:100%;border-collapse:collapse;margin-bottom:1.5rem}th,td{padding:.4rem .2rem;border-bottom:1px solid #ddd;text-align:left}
td{text-align:right;font-variant-numeric:tabular-nums}tr:last-child th,tr:last-child td{font-weight:600}
@media print{body{margin:0}}
</style>
</head>
<body>
<h1>${e(t.title)}</h1>
<p class="brand">${e(t.brand)}</p>
<table>${rows.map(tr).join("")}</table>
<table>${amounts.map(tr).join("")}</table>
</body>
</html>
`;
}
