import { CreateLotBody, UpdateLotBody } from "@arte/contracts/auction.js";
import { describe, expect, it } from "vitest";
import { issuesByPath } from "./forms";
import { canCancelLot, canEditLot, emptyLotForm, lotFields, lotPatch, lotToForm } from "./lot-form";

const ARTWORK = "6f1c7d0e-2b1a-4a51-9a3e-1f2b3c4d5e6f";
const form = {
  ...emptyLotForm,
  startPrice: 1_000_000,
  startsAt: "2030-04-01T20:00",
  endsAt: "2030-04-08T22:00",
};

describe("lotFields", () => {
  it("sends KST times as instants and the premium in basis points", () => {
    const { fields, problems } = lotFields({ ...form, reservePrice: "1,500,000", premiumPercent: "12.5" });
    expect(problems).toEqual({});
    expect(fields).toEqual({
      startPrice: 1_000_000,
      reservePrice: 1_500_000,
      buyNowPrice: null,
      softCloseSeconds: 180,
      premiumBps: 1250,
      startsAt: "2030-04-01T11:00:00.000Z",
      endsAt: "2030-04-08T13:00:00.000Z",
    });
    expect(issuesByPath(CreateLotBody, { artworkId: ARTWORK, ...fields })).toEqual({});
  });

  it("finds what the form or the auction service would refuse", () => {
    expect(lotFields({ ...form, startsAt: "", premiumPercent: "15.555" }).problems).toEqual({
      startsAt: "kstTime",
      premiumPercent: "premium",
    });
    expect(lotFields({ ...form, endsAt: form.startsAt }).problems).toEqual({ endsAt: "endBeforeStart" });
    expect(lotFields({ ...form, reservePrice: 999_999 }).problems).toEqual({
      reservePrice: "reserveBelowStart",
    });
    expect(lotFields({ ...form, buyNowPrice: 1_000_000 }).problems).toEqual({ buyNowPrice: "buyNowTooLow" });
    expect(lotFields({ ...form, reservePrice: 3_000_000, buyNowPrice: 2_000_000 }).problems).toEqual({
      buyNowPrice: "buyNowTooLow",
    });
  });

  it("leaves contract rules (whole positive won) to the contract schema", () => {
    const { fields } = lotFields({ ...form, startPrice: 0 });
    expect(Object.keys(issuesByPath(CreateLotBody, { artworkId: ARTWORK, ...fields }))).toEqual([
      "startPrice",
    ]);
  });
});

describe("editing a lot", () => {
  const lot = {
    startPrice: 1_000_000,
    reservePrice: null,
    buyNowPrice: 5_000_000,
    softCloseSeconds: 120,
    premiumBps: 1500,
    startsAt: "2030-04-01T11:00:00.000Z",
    scheduledEndsAt: "2030-04-08T13:00:00Z",
  };

  it("reads a lot back into the form and sends only changes", () => {
    const read = lotToForm(lot);
    expect(read).toMatchObject({
      startsAt: "2030-04-01T20:00",
      endsAt: "2030-04-08T22:00",
      premiumPercent: "15",
    });
    expect(lotPatch(read, read)).toEqual({});
    const patch = lotPatch(read, { ...read, buyNowPrice: "", endsAt: "2030-04-09T22:00" });
    expect(patch).toEqual({ buyNowPrice: null, endsAt: "2030-04-09T13:00:00.000Z" });
    expect(issuesByPath(UpdateLotBody, patch)).toEqual({});
  });

  it("allows edits before the start and cancelling before the first bid", () => {
    const now = Date.parse("2030-04-01T10:59:00Z");
    expect(canEditLot({ status: "SCHEDULED", startsAt: lot.startsAt }, now)).toBe(true);
    expect(canEditLot({ status: "SCHEDULED", startsAt: lot.startsAt }, now + 60_000)).toBe(false);
    expect(canEditLot({ status: "OPEN", startsAt: lot.startsAt }, now)).toBe(false);
    expect(canCancelLot({ status: "OPEN", bidCount: 0 })).toBe(true);
    expect(canCancelLot({ status: "OPEN", bidCount: 1 })).toBe(false);
    expect(canCancelLot({ status: "SOLD", bidCount: 0 })).toBe(false);
  });
});
