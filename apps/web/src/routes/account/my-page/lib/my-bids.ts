/** How one row of "my bids" is shown: its title, its state in words and colour, and the price to show. */
import type { MyBidState } from "@arte/contracts/history.js";
import type { MyBid } from "../../../../hooks/api/history";

export const MY_BID_STATES: readonly MyBidState[] = ["LEADING", "OUTBID", "WON", "LOST"];

/** The state's badge colour (the state is always in words as well). */
export const bidStateColor: Record<MyBidState, string> = {
  // a dark green: white on it is above 4.5:1
  LEADING: "#1f6f35",
  OUTBID: "red.9",
  WON: "ink",
  LOST: "gray",
};

export type MyBidView = {
  lotId: string;
  /** The lot page. */
  href: string;
  /** Null until the history service has heard of the artwork. */
  title: string | null;
  artist: string | null;
  image: NonNullable<MyBid["artwork"]>["primaryImage"];
  state: MyBidState;
  /** Still open: the state may change, and an outbid bidder can bid again. */
  live: boolean;
  /** What the lot stands at (or was sold for). */
  price: number;
  /** Whether `price` is the hammer price (won), the final price (lost) or the current price. */
  priceKind: "hammer" | "final" | "current";
  myHighestBid: number;
  myBidCount: number;
  bidCount: number;
  endsAt: string;
};

/** Picks the Korean or English title and name; English falls back to Korean. */
export function myBidView(bid: MyBid, locale: "ko" | "en"): MyBidView {
  const a = bid.artwork;
  const live = bid.lotStatus === "OPEN" || bid.lotStatus === "SCHEDULED";
  return {
    lotId: bid.lotId,
    href: `/artworks/${bid.artworkId}`,
    title: a ? (locale === "en" && a.titleEn ? a.titleEn : a.titleKo) : null,
    artist: a ? (locale === "en" && a.artistNameEn ? a.artistNameEn : a.artistNameKo) : null,
    image: a?.primaryImage ?? null,
    state: bid.state,
    live,
    price: bid.currentPrice,
    priceKind: bid.state === "WON" ? "hammer" : live ? "current" : "final",
    myHighestBid: bid.myHighestBid,
    myBidCount: bid.myBidCount,
    bidCount: bid.bidCount,
    endsAt: bid.endsAt,
  };
}

/** A `?state=` value as a filter (anything else is no filter). */
export function parseBidState(v: string | null | undefined): MyBidState | undefined {
  const s = (v ?? "").toUpperCase();
  return (MY_BID_STATES as readonly string[]).includes(s) ? (s as MyBidState) : undefined;
}
