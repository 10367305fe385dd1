import { AppError } from "@arte/platform";
import { describe, expect, it } from "vitest";
import {
  backoffMs,
  captureKey,
  classify,
  invoiceNumber,
  parseHoldReference,
  premiumOf,
} from "./settlement.domain.js";

describe("settlement rules", () => {
  it("derives one capture key per invoice, within the bank's key rules", () => {
    const id = "6f1c1f8e-5a43-4c55-9a2e-3c1d1c7f0b11";
    expect(captureKey(id)).toBe(captureKey(id));
    expect(captureKey(id)).toMatch(/^[A-Za-z0-9_.:-]{8,100}$/);
  });
  it("reads the lot and the bidder from an auction hold reference", () => {
    const lot = "6f1c1f8e-5a43-4c55-9a2e-3c1d1c7f0b11";
    const user = "0b8f2a4c-1111-4222-8333-444455556666";
    expect(parseHoldReference(`lot:${lot}:bidder:${user}:3`)).toEqual({ lotId: lot, userId: user });
    expect(parseHoldReference(`lot:${lot}:other`)).toEqual({ lotId: lot, userId: null });
    expect(parseHoldReference("deposit:1")).toBeNull();
  });
  it("classifies the bank's answers: unavailable and 5xx are transient, a definite no is not", () => {
    expect(classify(new AppError("SERVICE_UNAVAILABLE", 503, "x")).transient).toBe(true);
    expect(classify(new AppError("UNAUTHENTICATED", 401, "x")).transient).toBe(true);
    expect(classify(new Error("connection reset")).transient).toBe(true);
    expect(classify(new AppError("HOLD_ALREADY_ENDED", 409, "x")).transient).toBe(false);
    expect(classify(new AppError("CAPTURE_EXCEEDS_HOLD", 422, "x")).transient).toBe(false);
  });
  it("backs off exponentially with a cap; premium rounds up; invoice numbers are padded", () => {
    expect([1, 2, 3].map((n) => backoffMs(n, 1000))).toEqual([1000, 2000, 4000]);
    expect(backoffMs(30, 1000)).toBe(300_000);
    expect(premiumOf(1_000_000, 1500)).toBe(150_000);
    expect(premiumOf(1_000_001, 1500)).toBe(150_001);
    expect(invoiceNumber(2025, 42)).toBe("AM-2025-000042");
  });
});
