import { describe, expect, it } from "vitest";
import { documentKind, invoiceLines, premiumPercent, receiptHref } from "./invoices";

describe("an invoice's figures", () => {
  it("writes the premium rate in percent without trailing zeros", () => {
    expect(premiumPercent(1000)).toBe("10");
    expect(premiumPercent(1250)).toBe("12.5");
    expect(premiumPercent(1234)).toBe("12.34");
    expect(premiumPercent(0)).toBe("0");
  });

  it("lists hammer, premium and total", () => {
    expect(invoiceLines({ hammer: 1_000_000, premium: 100_000, total: 1_100_000, refundedTotal: 0 })).toEqual(
      [
        { id: "hammer", amount: 1_000_000, strong: false },
        { id: "premium", amount: 100_000, strong: false },
        { id: "total", amount: 1_100_000, strong: true },
      ],
    );
  });

  it("adds the refunded amount (negative) and what remains paid", () => {
    const lines = invoiceLines({
      hammer: 1_000_000,
      premium: 100_000,
      total: 1_100_000,
      refundedTotal: 300_000,
    });
    expect(lines.slice(3)).toEqual([
      { id: "refunded", amount: -300_000, strong: false },
      { id: "net", amount: 800_000, strong: true },
    ]);
  });

  it("prints a paid or refunded invoice as a receipt and an unpaid one as an invoice", () => {
    expect(documentKind("PAID")).toBe("receipt");
    expect(documentKind("REFUNDED")).toBe("receipt");
    expect(documentKind("PARTIALLY_REFUNDED")).toBe("receipt");
    expect(documentKind("ISSUED")).toBe("invoice");
    expect(documentKind("PAYMENT_FAILED")).toBe("invoice");
  });

  it("links to the receipt page", () => {
    expect(receiptHref("abc")).toBe("/me/invoices/abc/receipt");
  });
});
