import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { minutesUntil } from "../src/consumers/user-events.consumer.js";
import {
  formatInstant,
  formatWon,
  minutesBefore,
  saleAmounts,
  titleFor,
} from "../src/modules/auction-mail/auction-mail.domain.js";
import { classifySmtpError, SendTimeoutError } from "../src/modules/email/mailer.js";
import {
  escapeHtml,
  loadTemplates,
  placeholders,
  renderString,
  splitHtml,
  TEMPLATE_DIR,
} from "../src/modules/email/templates.js";

const templates = loadTemplates();

describe("escape-first renderer", () => {
  it("escapes every HTML-significant character", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`=</a>`)).toBe(
      "&lt;a href&#61;&quot;x&quot; onclick&#61;&#39;y&#39;&gt;&amp;&#96;&#61;&lt;/a&gt;",
    );
  });

  it("refuses a missing value instead of printing nothing", () => {
    expect(() => renderString("Hi {{name}}", {}, escapeHtml)).toThrow(/"name" is missing/);
  });

  it("lists the placeholders of a source", () => {
    expect(placeholders("{{a}} {{ b }} {{a}}")).toEqual(["a", "b"]);
  });

  it("escapes values in the HTML part, not in the text part, and keeps subjects on one line", () => {
    const r = templates.render("welcome", "en", {
      username: "<script>alert(1)</script>\r\nBcc: x@evil.test",
      siteUrl: "https://arte.example/",
    });
    expect(r.html).not.toContain("<script>");
    expect(r.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(r.text).toContain("<script>alert(1)</script>");
    expect(r.subject).not.toMatch(/[\r\n]/);
  });

  it.each([
    ["welcome", { username: "Kim", siteUrl: "https://arte.example/" }],
    ["email-code", { code: "123456", minutes: 5 }],
    ["password-reset", { username: "Kim", code: "654321", minutes: 15, siteUrl: "https://arte.example/" }],
    [
      "outbid",
      {
        username: "Kim",
        title: "Moon Jar",
        currentPrice: "KRW 1",
        nextMinimum: "KRW 2",
        endsAt: "1 Jan 2030",
        lotUrl: "https://arte.example/lots/x",
      },
    ],
    [
      "won",
      {
        username: "Kim",
        title: "Moon Jar",
        hammerPrice: "KRW 1",
        premium: "KRW 2",
        total: "KRW 3",
        purchasesUrl: "https://arte.example/my/purchases",
      },
    ],
    [
      "starting-soon",
      {
        username: "Kim",
        title: "Moon Jar",
        startsAt: "1 Jan",
        minutes: 30,
        lotUrl: "https://arte.example/lots/x",
      },
    ],
  ] as const)("renders %s in every locale with nothing left over", (name, vars) => {
    for (const locale of ["ko", "en"]) {
      const r = templates.render(name, locale, vars as never);
      expect(r.locale).toBe(locale);
      for (const part of [r.subject, r.html, r.text]) expect(part).not.toMatch(/\{\{|\}\}/);
      expect(r.html).toContain(`lang="${locale}"`);
    }
  });

  it("frames every email with the one layout; no template repeats the frame", () => {
    const html = readdirSync(TEMPLATE_DIR).filter((f) => f.endsWith(".html") && f !== "layout.html");
    expect(html.length).toBeGreaterThanOrEqual(12);
    for (const f of html) {
      const source = readFileSync(new URL(f, TEMPLATE_DIR), "utf8");
      expect(source, f).not.toMatch(/<!DOCTYPE|<html|<head|<body|background:#f3f1ec/i);
    }
    const r = templates.render("won", "en", {
      username: "Kim",
      title: "<i>Jar</i>",
      hammerPrice: "1",
      premium: "2",
      total: "3",
      purchasesUrl: "https://arte.example/my/purchases",
    });
    expect(r.html.match(/<!DOCTYPE html>/g)).toHaveLength(1);
    expect(r.html).toContain("<title>[Arte Moderni] You won &lt;i&gt;Jar&lt;/i&gt;</title>");
    expect(r.html).toContain("<strong>&lt;i&gt;Jar&lt;/i&gt;</strong>");
    expect(r.html).toMatch(/Questions about your purchase\? Reply through our support team\. · Arte Moderni/);
  });

  it("refuses a template without a footer or with its own frame", () => {
    expect(() => splitHtml("<p>x</p>", "t")).toThrow(/footer/);
    expect(() => splitHtml("<html><p>x</p>\n<!-- footer -->\nf", "t")).toThrow(/layout/);
    expect(splitHtml("<p>x</p>\n<!-- footer -->\nf\n", "t")).toEqual({ html: "<p>x</p>", footer: "f" });
  });

  it("falls back to Korean for an unknown locale", () => {
    const r = templates.render("email-code", "fr", { code: "123456", minutes: 5 });
    expect(r.locale).toBe("ko");
    expect(r.text).toContain("5분 후에 만료");
  });
});

describe("SMTP failure classification", () => {
  const e = (props: Record<string, unknown>) => Object.assign(new Error("x"), props);
  it.each([
    [e({ responseCode: 451, code: "EENVELOPE" }), "transient"],
    [e({ responseCode: 421 }), "transient"],
    [e({ responseCode: 503 }), "transient"],
    [e({ responseCode: 550, code: "EENVELOPE" }), "permanent"],
    [e({ responseCode: 554, code: "EMESSAGE" }), "permanent"],
    [e({ code: "EENVELOPE" }), "permanent"],
    [e({ code: "ECONNECTION", originalCode: "ECONNREFUSED" }), "transient"],
    [e({ code: "ESOCKET", originalCode: "ECONNREFUSED" }), "transient"],
    [e({ code: "ECONNREFUSED" }), "transient"],
    [e({ code: "ETIMEDOUT", timeoutType: "CONNECT_TIMEOUT" }), "transient"],
    [e({ code: "ETIMEDOUT", timeoutType: "GREETING_TIMEOUT" }), "transient"],
    [e({ code: "ETIMEDOUT", timeoutType: "SOCKET_TIMEOUT" }), "unknown"],
    [e({ code: "ECONNECTION" }), "unknown"],
    [new SendTimeoutError("slow"), "unknown"],
  ])("%s → %s", (err, kind) => {
    expect(classifySmtpError(err)).toBe(kind);
  });
});

describe("minutesUntil", () => {
  it("reads the validity from the event, with a fallback", () => {
    expect(minutesUntil("2030-01-01T00:05:00.000Z", "2030-01-01T00:00:00.000Z", 9)).toBe(5);
    expect(minutesUntil("2030-01-01T00:15:00.000Z", "2030-01-01T00:00:01.000Z", 9)).toBe(15);
    expect(minutesUntil("2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z", 9)).toBe(9);
  });
});

describe("auction email values", () => {
  it("writes won amounts per locale", () => {
    expect(formatWon(1_437_500, "ko")).toBe("1,437,500원");
    expect(formatWon(1_437_500, "en")).toBe("KRW 1,437,500");
  });

  it("adds the premium to the hammer price, with fallbacks", () => {
    expect(saleAmounts({ hammerPrice: 1_250_000, premium: 187_500, currentPrice: 1 })).toEqual({
      hammerPrice: 1_250_000,
      premium: 187_500,
      total: 1_437_500,
    });
    expect(saleAmounts({ currentPrice: 500_000 })).toEqual({
      hammerPrice: 500_000,
      premium: 0,
      total: 500_000,
    });
  });

  it("picks the title in the reader's language", () => {
    expect(titleFor({ ko: "달항아리", en: "Moon Jar" }, "en")).toBe("Moon Jar");
    expect(titleFor({ ko: "달항아리", en: null }, "en")).toBe("달항아리");
    expect(titleFor({ ko: "달항아리", en: "Moon Jar" }, "ko")).toBe("달항아리");
    expect(titleFor(null, "en")).toBe("an artwork");
  });

  it("shows instants in Korean time and counts minutes", () => {
    expect(formatInstant("2030-01-01T00:00:00Z", "en")).toBe("1 Jan 2030, 09:00 KST");
    expect(formatInstant("2030-01-01T00:00:00Z", "ko")).toContain("2030년 1월 1일");
    const now = new Date("2030-01-01T00:00:00Z");
    expect(minutesBefore(new Date("2030-01-01T00:29:40Z"), now)).toBe(30);
    expect(minutesBefore(new Date("2029-12-31T23:00:00Z"), now)).toBe(1);
  });
});
