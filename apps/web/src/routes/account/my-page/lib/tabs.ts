/** My page's tabs and how a deep link (`/me?tab=bids`, or the older `/me#watchlist`) picks one. */

export const MY_PAGE_TABS = ["account", "bids", "purchases", "watchlist", "notifications"] as const;
export type MyPageTab = (typeof MY_PAGE_TABS)[number];

/** Other names a link may use for a tab (the profile and the bank account share the first one). */
const ALIASES: Record<string, MyPageTab> = {
  profile: "account",
  bank: "account",
  won: "purchases",
  invoices: "purchases",
};

/** The tab a `?tab=` value (or, without one, a `#hash`) names; the account tab otherwise. */
export function parseTab(value: string | null | undefined, hash = ""): MyPageTab {
  const name = (value || hash.replace(/^#/, "")).trim().toLowerCase();
  if ((MY_PAGE_TABS as readonly string[]).includes(name)) return name as MyPageTab;
  return ALIASES[name] ?? "account";
}

/** The link to one tab of my page. */
export const myPageHref = (tab: MyPageTab) => (tab === "account" ? "/me" : `/me?tab=${tab}`);
