import { describe, expect, it } from "vitest";
import {
  decodeKeyset,
  decodeOffset,
  defaultRange,
  encodeKeyset,
  encodeOffset,
  renderReceipt,
} from "./invoices.domain.js";

const invoice = {
  id: "6f1c1f8e-5a43-4c55-9a2e-3c1d1c7f0b11",
  number: 'AM-2025-000001<script>alert("x")</script>',
  lotId: "0b8f2a4c-1111-4222-8333-444455556666",
  artworkId: "0b8f2a4c-1111-4222-8333-444455556667",
  status: "PAID" as const,
  hammer: 1_000_000,
  premium: 150_000,
  premiumBps: 1500,
  total: 1_150_000,
  refundedTotal: 0,
  paidAt: "2025-03-01T10:00:00.000Z",
  createdAt: "2025-03-01T09:59:00.000Z",
};

describe("receipts and cursors", () => {
  it("escapes every value in the receipt", () => {
    const html = renderReceipt(invoice, "en");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(renderReceipt(invoice, "ko")).toContain("1,150,000원");
  });
  it("round-trips cursors and refuses forged ones", () => {
    const at = new Date("2025-03-01T09:59:00.000Z");
    expect(decodeKeyset(encodeKeyset(at, invoice.id))).toEqual({ at, id: invoice.id });
    expect(decodeKeyset("garbage")).toBeNull();
    expect(decodeOffset(encodeOffset(40))).toBe(40);
    expect(decodeOffset("bm9wZQ")).toBeNull();
  });
  it("defaults the daily range to 30 days and refuses reversed or over-long ones", () => {
    expect(defaultRange(undefined, "2025-03-30", "UTC")).toEqual({ from: "2025-03-01", to: "2025-03-30" });
    expect(defaultRange("2025-03-02", "2025-03-01", "UTC")).toBeNull();
    expect(defaultRange("2023-01-01", "2025-01-01", "UTC")).toBeNull();
  });
});
