/**
 * A small i18n: Korean by default, English on request (remembered in localStorage), messages by key
 * with `{name}` placeholders, error messages by the API's error `code`, and locale-aware won and
 * Asia/Seoul date formatting.
 */
import type { Locale } from "@arte/contracts/common.js";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import accountEn from "./account.en.json";
import accountKo from "./account.ko.json";
import adminEn from "./admin.en.json";
import adminKo from "./admin.ko.json";
import errorsEn from "./errors.en.json";
import errorsKo from "./errors.ko.json";
import lotEn from "./lot.en.json";
import lotKo from "./lot.ko.json";
import baseEn from "./messages.en.json";
import baseKo from "./messages.ko.json";

// Messages are kept per area (shell and shared, the lot page, my page, admin) and merged here; the
// Korean files define the keys, and i18n.test.ts checks English has exactly the same.
const messagesKo = { ...baseKo, ...lotKo, ...accountKo, ...adminKo };
const messagesEn = { ...baseEn, ...lotEn, ...accountEn, ...adminEn };

export type MessageKey = keyof typeof messagesKo;
export type { Locale };

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { ko: messagesKo, en: messagesEn };
export const ERRORS: Record<Locale, Record<string, string>> = { ko: errorsKo, en: errorsEn };
export const LOCALES: Locale[] = ["ko", "en"];
const STORAGE_KEY = "arte.locale";
export const TIME_ZONE = "Asia/Seoul";

export function format(template: string, vars?: Record<string, string | number>) {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** The message of an error code in a locale (a generic one for unknown codes). */
export function errorMessage(locale: Locale, code: string) {
  return ERRORS[locale][code] ?? ERRORS[locale].UNKNOWN_ERROR!;
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "ko" || saved === "en") return saved;
  } catch {
    // storage blocked: default
  }
  return "ko";
}

export type I18n = {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** The message for an error (an ApiError's code, or anything else as unknown). */
  te: (err: unknown) => string;
  won: (n: number) => string;
  date: (iso: string) => string;
  dateTime: (iso: string) => string;
  /** Picks the label of a `{ ko, en }` pair. */
  label: (l: { ko: string; en: string | null }) => string;
};

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // not remembered
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const tag = locale === "ko" ? "ko-KR" : "en-GB";
    const wonFmt = new Intl.NumberFormat(tag, {
      style: "currency",
      currency: "KRW",
      maximumFractionDigits: 0,
    });
    const dateFmt = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone: TIME_ZONE });
    // dateStyle/timeStyle cannot be combined with timeZoneName: spell the parts out.
    const dateTimeFmt = new Intl.DateTimeFormat(tag, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: TIME_ZONE,
      timeZoneName: "short",
    });
    return {
      locale,
      setLocale,
      t: (key, vars) => format(MESSAGES[locale][key] ?? key, vars),
      te: (err) => {
        const code = err && typeof err === "object" && "code" in err ? String(err.code) : "UNKNOWN_ERROR";
        return errorMessage(locale, code);
      },
      won: (n) => wonFmt.format(n),
      date: (iso) => dateFmt.format(new Date(iso)),
      dateTime: (iso) => dateTimeFmt.format(new Date(iso)),
      label: (l) => (locale === "en" && l.en ? l.en : l.ko),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
