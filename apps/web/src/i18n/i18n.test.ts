import { AuctionErrors } from "@arte/contracts/auction.js";
import { CatalogErrors } from "@arte/contracts/catalog.js";
import { CommonErrors } from "@arte/contracts/common.js";
import { UserErrors } from "@arte/contracts/users.js";
import { describe, expect, it } from "vitest";
import { CLIENT_ERRORS } from "../lib/api-client";
import errorsEn from "./errors.en.json";
import errorsKo from "./errors.ko.json";
import messagesEn from "./messages.en.json";
import messagesKo from "./messages.ko.json";

const contractCodes = [
  ...Object.keys(CommonErrors),
  ...Object.keys(UserErrors),
  ...Object.keys(CatalogErrors),
  ...Object.keys(AuctionErrors),
  ...Object.keys(CLIENT_ERRORS),
];

describe("the web app's messages", () => {
  it("has the same message keys in Korean and English", () => {
    expect(Object.keys(messagesEn).sort()).toEqual(Object.keys(messagesKo).sort());
  });

  it("has every error code of the contexts it calls, in both languages", () => {
    for (const table of [errorsKo, errorsEn] as Record<string, string>[])
      expect(contractCodes.filter((c) => !table[c])).toEqual([]);
    expect(Object.keys(errorsEn).sort()).toEqual(Object.keys(errorsKo).sort());
  });

  it("uses the same placeholders in both languages", () => {
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const en = messagesEn as Record<string, string>;
    for (const [k, ko] of Object.entries(messagesKo)) expect(vars(en[k]!), k).toEqual(vars(ko));
  });
});
