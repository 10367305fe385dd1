import { describe, expect, it } from "vitest";
import type { InAppNotification } from "../../../../hooks/api/notification";
import { badgeCount, type Formatters, notificationView } from "./notifications";

const f: Formatters = {
  won: (n) => `₩${n}`,
  dateTime: (iso) => `at ${iso}`,
  label: (l) => l.ko,
  untitled: "(untitled)",
};

const n = (over: Partial<InAppNotification> = {}): InAppNotification => ({
  id: "33333333-3333-4333-8333-333333333333",
  kind: "outbid",
  lotId: "11111111-1111-4111-8111-111111111111",
  artworkId: "22222222-2222-4222-8222-222222222222",
  title: { ko: "푸른 정원", en: "Blue Garden" },
  params: { currentPrice: 1_100_000, nextMinimum: 1_200_000, endsAt: "2025-05-02T01:00:00Z" },
  readAt: null,
  createdAt: "2025-05-01T01:00:00Z",
  ...over,
});

describe("a notification in words", () => {
  it("says who outbid with the current price and next minimum, linking to the lot", () => {
    expect(notificationView(n(), f)).toEqual({
      key: "account.notif.outbid",
      vars: { title: "푸른 정원", price: "₩1100000", next: "₩1200000" },
      href: "/artworks/22222222-2222-4222-8222-222222222222",
      unread: true,
    });
  });

  it("uses the shorter message when a value is missing or malformed", () => {
    expect(notificationView(n({ params: { currentPrice: "x" } }), f).key).toBe("account.notif.outbidShort");
    expect(notificationView(n({ kind: "won", params: {} }), f).key).toBe("account.notif.wonShort");
    expect(notificationView(n({ kind: "starting_soon", params: { startsAt: "soon" } }), f).key).toBe(
      "account.notif.startingSoonShort",
    );
  });

  it("tells a won lot's total and a watched lot's start", () => {
    expect(notificationView(n({ kind: "won", params: { total: 1_100_000 } }), f)).toMatchObject({
      key: "account.notif.won",
      vars: { total: "₩1100000" },
    });
    expect(
      notificationView(n({ kind: "starting_soon", params: { startsAt: "2025-05-02T01:00:00Z" } }), f),
    ).toMatchObject({ key: "account.notif.startingSoon", vars: { date: "at 2025-05-02T01:00:00Z" } });
  });

  it("tells a lost lot apart from an unsold one", () => {
    expect(notificationView(n({ kind: "lost", params: { outcome: "SOLD" } }), f).key).toBe(
      "account.notif.lost",
    );
    expect(notificationView(n({ kind: "lost", params: { outcome: "UNSOLD" } }), f).key).toBe(
      "account.notif.lostUnsold",
    );
  });

  it("links a failed payment to its invoice", () => {
    const v = notificationView(
      n({
        kind: "payment_failed",
        params: { invoiceId: "inv-1", number: "AM-2025-000001", total: 5, reason: "X" },
      }),
      f,
    );
    expect(v).toMatchObject({ key: "account.notif.paymentFailed", href: "/me/invoices/inv-1/receipt" });
    expect(notificationView(n({ kind: "payment_failed", params: {} }), f).href).toBe("/me?tab=purchases");
  });

  it("names an artwork of unknown title, and is read once read", () => {
    const v = notificationView(n({ title: null, readAt: "2025-05-01T02:00:00Z", artworkId: null }), f);
    expect(v).toMatchObject({ vars: { title: "(untitled)" }, unread: false, href: null });
  });

  it("shows the unread count on the bell, capped at 99+", () => {
    expect(badgeCount(undefined)).toBeNull();
    expect(badgeCount(0)).toBeNull();
    expect(badgeCount(7)).toBe("7");
    expect(badgeCount(120)).toBe("99+");
  });
});
