/** The lot scheduling form: Seoul times, won amounts and a premium percentage → a lot body. */
import { isoToKstInput, kstInputToIso } from "./kst";
import { bpsToPercent, percentToBps, wonOf } from "./money";

type Num = number | string;

export type LotForm = {
  startPrice: Num;
  reservePrice: Num;
  buyNowPrice: Num;
  softCloseSeconds: Num;
  premiumPercent: string;
  /** Seoul wall time, `YYYY-MM-DDTHH:mm`. */
  startsAt: string;
  endsAt: string;
};

/** The auction house's defaults: 3-minute soft close, 15 % premium (the server's own defaults). */
export const emptyLotForm: LotForm = {
  startPrice: "",
  reservePrice: "",
  buyNowPrice: "",
  softCloseSeconds: 180,
  premiumPercent: "15",
  startsAt: "",
  endsAt: "",
};

export const lotToForm = (l: {
  startPrice: number;
  reservePrice: number | null;
  buyNowPrice: number | null;
  softCloseSeconds: number;
  premiumBps: number;
  startsAt: string;
  scheduledEndsAt: string;
}): LotForm => ({
  startPrice: l.startPrice,
  reservePrice: l.reservePrice ?? "",
  buyNowPrice: l.buyNowPrice ?? "",
  softCloseSeconds: l.softCloseSeconds,
  premiumPercent: bpsToPercent(l.premiumBps),
  startsAt: isoToKstInput(l.startsAt),
  endsAt: isoToKstInput(l.scheduledEndsAt),
});

export type LotFormProblem = "kstTime" | "premium" | "endBeforeStart" | "reserveBelowStart" | "buyNowTooLow";

/**
 * The lot fields of a form, and the problems only the form can see (a time or percentage that does
 * not parse) or that the auction service would refuse (its scheduling rules), by field.
 */
export function lotFields(f: LotForm) {
  const problems: Record<string, LotFormProblem> = {};
  const startsAt = kstInputToIso(f.startsAt);
  const endsAt = kstInputToIso(f.endsAt);
  if (!startsAt) problems.startsAt = "kstTime";
  if (!endsAt) problems.endsAt = "kstTime";
  const premiumBps = percentToBps(f.premiumPercent);
  if (premiumBps === null) problems.premiumPercent = "premium";
  const startPrice = wonOf(f.startPrice);
  const reservePrice = wonOf(f.reservePrice) ?? null;
  const buyNowPrice = wonOf(f.buyNowPrice) ?? null;
  const soft = wonOf(f.softCloseSeconds);
  const fields = {
    startPrice,
    reservePrice,
    buyNowPrice,
    softCloseSeconds: soft,
    premiumBps: premiumBps ?? undefined,
    startsAt: startsAt ?? undefined,
    endsAt: endsAt ?? undefined,
  };
  if (startsAt && endsAt && Date.parse(endsAt) <= Date.parse(startsAt)) problems.endsAt = "endBeforeStart";
  if (startPrice !== undefined && reservePrice !== null && reservePrice < startPrice)
    problems.reservePrice = "reserveBelowStart";
  if (
    startPrice !== undefined &&
    buyNowPrice !== null &&
    (buyNowPrice <= startPrice || (reservePrice !== null && buyNowPrice < reservePrice))
  )
    problems.buyNowPrice = "buyNowTooLow";
  return { fields, problems };
}

/** The edit body: only the fields that differ from the lot as read. */
export function lotPatch(read: LotForm, now: LotForm) {
  const a = lotFields(read).fields as Record<string, unknown>;
  const b = lotFields(now).fields as Record<string, unknown>;
  return Object.fromEntries(Object.entries(b).filter(([k, v]) => v !== a[k]));
}

/** A lot can be edited while scheduled and not yet started. */
export const canEditLot = (l: { status: string; startsAt: string }, nowMs: number) =>
  l.status === "SCHEDULED" && Date.parse(l.startsAt) > nowMs;

/** A lot can be cancelled while scheduled or open, before its first bid. */
export const canCancelLot = (l: { status: string; bidCount: number }) =>
  (l.status === "SCHEDULED" || l.status === "OPEN") && l.bidCount === 0;
