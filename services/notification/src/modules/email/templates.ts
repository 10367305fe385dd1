import { readFileSync } from "node:fs";
import type { EmailTemplate } from "@arte/contracts/notification.js";

/**
 * Email templates are files in `src/templates`: `<name>.<locale>.html` (the body, then a line
 * `<!-- footer -->`, then the footer), `<name>.<locale>.txt`, the subject lines in `subjects.json`, and
 * ONE `layout.html`: the HTML frame every email shares (`{{lang}}`, `{{subject}}` and the slots
 * `{{> body}}`, `{{> footer}}`, which take the template's parts after they were rendered and escaped). A template names its values as `{{name}}`; there is no raw form:
 * every value is HTML-escaped in the HTML part, and control characters are removed from subjects. A
 * placeholder without a value, or a value the template does not declare, is an error, never an empty
 * string or a literal `{{...}}` in someone's inbox.
 */

export type Locale = "ko" | "en";
export const LOCALES: readonly Locale[] = ["ko", "en"];
export const DEFAULT_LOCALE: Locale = "ko";

/** The values each template takes. */
export type TemplateVars = {
  welcome: { username: string; siteUrl: string };
  "email-code": { code: string; minutes: number };
  "password-reset": { username: string; code: string; minutes: number; siteUrl: string };
  outbid: {
    username: string;
    title: string;
    currentPrice: string;
    nextMinimum: string;
    endsAt: string;
    lotUrl: string;
  };
  won: {
    username: string;
    title: string;
    hammerPrice: string;
    premium: string;
    total: string;
    purchasesUrl: string;
  };
  "starting-soon": { username: string; title: string; startsAt: string; minutes: number; lotUrl: string };
  receipt: {
    username: string;
    title: string;
    number: string;
    hammer: string;
    premium: string;
    total: string;
    paidAt: string;
    purchasesUrl: string;
  };
  refund: {
    username: string;
    title: string;
    number: string;
    amount: string;
    reason: string;
    refundedTotal: string;
    purchasesUrl: string;
  };
  "payment-failed": { username: string; title: string; number: string; total: string; purchasesUrl: string };
};

const DECLARED: { [T in EmailTemplate]: readonly (keyof TemplateVars[T])[] } = {
  welcome: ["username", "siteUrl"],
  "email-code": ["code", "minutes"],
  "password-reset": ["username", "code", "minutes", "siteUrl"],
  outbid: ["username", "title", "currentPrice", "nextMinimum", "endsAt", "lotUrl"],
  won: ["username", "title", "hammerPrice", "premium", "total", "purchasesUrl"],
  "starting-soon": ["username", "title", "startsAt", "minutes", "lotUrl"],
  receipt: ["username", "title", "number", "hammer", "premium", "total", "paidAt", "purchasesUrl"],
  refund: ["username", "title", "number", "amount", "reason", "refundedTotal", "purchasesUrl"],
  "payment-failed": ["username", "title", "number", "total", "purchasesUrl"],
};

/** What the layout takes besides the two slots. */
const LAYOUT_VARS = new Set(["lang", "subject"]);
/** The slots of the layout: already-rendered (escaped) HTML of the template. */
const SLOT = /\{\{>\s*(body|footer)\s*\}\}/g;
const FOOTER_MARK = "<!-- footer -->";

export type RenderedEmail = { subject: string; html: string; text: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
  "=": "&#61;",
};

/** Escapes a value for HTML text and quoted attribute values. */
export const escapeHtml = (value: string) => value.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]!);

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A subject line is one header line: control characters (CR/LF included) become one space. */
const cleanHeader = (value: string) => value.replace(CONTROL, " ").trim();

/** Plain text keeps line breaks and tabs but no other control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const cleanText = (value: string) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");

/** Names used by a template source, in order of first use. */
export function placeholders(source: string): string[] {
  return [...new Set([...source.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Replaces every `{{name}}` with `encode(value)`. Throws on a missing value and on a stray `{{`/`}}`
 * (a typo such as `{{ user name }}` or `{{{raw}}}` must fail loudly, not ship).
 */
export function renderString(
  source: string,
  vars: Record<string, string | number>,
  encode: (s: string) => string,
): string {
  const out = source.replace(PLACEHOLDER, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined || value === null) throw new Error(`template value "${name}" is missing`);
    return encode(String(value));
  });
  return out;
}

function assertNoStrayBraces(source: string, where: string) {
  const rest = source.replace(PLACEHOLDER, "");
  if (rest.includes("{{") || rest.includes("}}")) throw new Error(`${where}: malformed placeholder`);
}

type Sources = { subject: string; html: string; footer: string; text: string };

/** Splits a template's HTML file into its body and footer (both required). */
export function splitHtml(source: string, where: string): { html: string; footer: string } {
  const parts = source.split(FOOTER_MARK);
  if (parts.length !== 2) throw new Error(`${where}: the HTML needs exactly one "${FOOTER_MARK}" line`);
  const [html, footer] = parts.map((p) => p.trim()) as [string, string];
  if (/<(!doctype|html|head|body)\b/i.test(source))
    throw new Error(`${where}: the HTML frame belongs in layout.html, not in a template`);
  return { html, footer };
}

export type Templates = {
  render<T extends EmailTemplate>(
    name: T,
    locale: string,
    vars: TemplateVars[T],
  ): RenderedEmail & {
    locale: Locale;
  };
};

export const TEMPLATE_DIR = new URL("../../templates/", import.meta.url);

/**
 * Reads and checks every template once (at boot): each template exists in every locale as HTML, text
 * and a subject, and uses only the values it declares. A broken template stops the service at boot.
 */
export function loadTemplates(dir: URL = TEMPLATE_DIR): Templates {
  const layout = readFileSync(new URL("layout.html", dir), "utf8");
  const slots = [...layout.matchAll(SLOT)].map((m) => m[1]);
  if (slots.length !== 2 || !slots.includes("body") || !slots.includes("footer"))
    throw new Error("layout.html: needs {{> body}} and {{> footer}} once each");
  assertNoStrayBraces(layout.replace(SLOT, ""), "layout.html");
  /** [text, slot, text, slot, text] */
  const layoutPieces = layout.split(SLOT);
  for (const p of placeholders(layout)) {
    if (!LAYOUT_VARS.has(p)) throw new Error(`layout.html: undeclared value "${p}"`);
  }
  const subjects = JSON.parse(readFileSync(new URL("subjects.json", dir), "utf8")) as Record<
    string,
    Record<string, string>
  >;
  const sources = new Map<string, Sources>();
  for (const name of Object.keys(DECLARED) as EmailTemplate[]) {
    const declared = new Set<string>(DECLARED[name] as readonly string[]);
    for (const locale of LOCALES) {
      const where = `${name}.${locale}`;
      const subject = subjects[name]?.[locale];
      if (!subject) throw new Error(`${where}: no subject in subjects.json`);
      const src: Sources = {
        subject,
        ...splitHtml(readFileSync(new URL(`${name}.${locale}.html`, dir), "utf8"), where),
        text: readFileSync(new URL(`${name}.${locale}.txt`, dir), "utf8"),
      };
      for (const [part, source] of Object.entries(src)) {
        assertNoStrayBraces(source, `${where} ${part}`);
        for (const p of placeholders(source)) {
          if (!declared.has(p)) throw new Error(`${where} ${part}: undeclared value "${p}"`);
        }
      }
      sources.set(where, src);
    }
  }

  return {
    render(name, locale, vars) {
      const loc: Locale = (LOCALES as readonly string[]).includes(locale)
        ? (locale as Locale)
        : DEFAULT_LOCALE;
      const src = sources.get(`${name}.${loc}`);
      if (!src) throw new Error(`unknown template ${name}`);
      const values = vars as Record<string, string | number>;
      const html = (source: string) => renderString(source, values, (s) => escapeHtml(cleanText(s)));
      const subject = cleanHeader(renderString(src.subject, values, cleanHeader));
      const parts = { body: html(src.html), footer: html(src.footer) };
      // The layout's own text is rendered piece by piece around the slots, so rendered parts are never
      // scanned again for placeholders.
      const framed = layoutPieces
        .map((piece, i) =>
          i % 2 ? parts[piece as "body" | "footer"] : renderString(piece, { lang: loc, subject }, escapeHtml),
        )
        .join("");
      return {
        locale: loc,
        subject,
        html: framed,
        text: renderString(src.text, values, cleanText),
      };
    },
  };
}
