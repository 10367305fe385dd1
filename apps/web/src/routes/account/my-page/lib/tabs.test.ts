import { describe, expect, it } from "vitest";
import { myPageHref, parseTab } from "./tabs";

describe("my page tabs", () => {
  it("picks the tab a ?tab= value names", () => {
    expect(parseTab("bids")).toBe("bids");
    expect(parseTab("purchases")).toBe("purchases");
    expect(parseTab("Notifications")).toBe("notifications");
  });

  it("maps the profile and bank links to the account tab, and won/invoices to purchases", () => {
    expect(parseTab("profile")).toBe("account");
    expect(parseTab("bank")).toBe("account");
    expect(parseTab("invoices")).toBe("purchases");
    expect(parseTab("won")).toBe("purchases");
  });

  it("falls back to the hash, then to the account tab", () => {
    expect(parseTab(null, "#watchlist")).toBe("watchlist");
    expect(parseTab("", "")).toBe("account");
    expect(parseTab("nonsense")).toBe("account");
    expect(parseTab("bids", "#watchlist")).toBe("bids");
  });

  it("links to a tab", () => {
    expect(myPageHref("account")).toBe("/me");
    expect(myPageHref("bids")).toBe("/me?tab=bids");
  });
});
