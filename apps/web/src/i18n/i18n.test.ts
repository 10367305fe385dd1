import { AuctionErrors } from "@arte/contracts/auction.js";
import { BankErrors } from "@arte/contracts/bank.js";
import { CatalogErrors } from "@arte/contracts/catalog.js";
import { CommonErrors } from "@arte/contracts/common.js";
import { HistoryErrors } from "@arte/contracts/history.js";
import { NotificationErrors } from "@arte/contracts/notification.js";
import { PaymentErrors } from "@arte/contracts/payment.js";
import { UserErrors } from "@arte/contracts/users.js";
import { describe, expect, it } from "vitest";
import { CLIENT_ERRORS } from "../lib/api-client";
import accountEn from "./account.en.json";
import accountKo from "./account.ko.json";
import adminEn from "./admin.en.json";
import adminKo from "./admin.ko.json";
import errorsEn from "./errors.en.json";
import errorsKo from "./errors.ko.json";
import { MESSAGES } from "./index";
import lotEn from "./lot.en.json";
import lotKo from "./lot.ko.json";
import baseEn from "./messages.en.json";
import baseKo from "./messages.ko.json";

const messagesKo = MESSAGES.ko;
const messagesEn = MESSAGES.en;

const contractCodes = [
  ...Object.keys(CommonErrors),
  ...Object.keys(UserErrors),
  ...Object.keys(CatalogErrors),
  ...Object.keys(AuctionErrors),
  ...Object.keys(HistoryErrors),
  ...Object.keys(PaymentErrors),
  ...Object.keys(NotificationErrors),
  ...Object.keys(BankErrors),
  ...Object.keys(CLIENT_ERRORS),
];

describe("the web app's messages", () => {
  it("has the same message keys in Korean and English", () => {
    expect(Object.keys(messagesEn).sort()).toEqual(Object.keys(messagesKo).sort());
  });

  it("defines each key in one area file only", () => {
    for (const files of [
      [baseKo, lotKo, accountKo, adminKo],
      [baseEn, lotEn, accountEn, adminEn],
    ]) {
      const keys = files.flatMap((f) => Object.keys(f));
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    }
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
