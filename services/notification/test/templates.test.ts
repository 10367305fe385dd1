import { describe, expect, it } from "vitest";
import { minutesUntil } from "../src/consumers/user-events.consumer.js";
import { classifySmtpError, SendTimeoutError } from "../src/modules/email/mailer.js";
import { escapeHtml, loadTemplates, placeholders, renderString } from "../src/modules/email/templates.js";

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
  ] as const)("renders %s in every locale with nothing left over", (name, vars) => {
    for (const locale of ["ko", "en"]) {
      const r = templates.render(name, locale, vars as never);
      expect(r.locale).toBe(locale);
      for (const part of [r.subject, r.html, r.text]) expect(part).not.toMatch(/\{\{|\}\}/);
      expect(r.html).toContain(`lang="${locale}"`);
    }
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
