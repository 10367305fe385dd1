/**
 * Bad requests for every operation of the OpenAPI document, from a seeded random source: wrong types,
 * missing and unknown fields, huge strings, unicode edge cases, SQL- and NoSQL-looking strings, odd
 * numbers, malformed JSON, wrong content types, path ids that are not uuids, bad headers.
 *
 * Each case says whether the contract (the zod schemas the services validate with) refuses it, decided
 * here by the same schemas, so a test can demand a 4xx, and no change of state, for exactly those.
 */
import { randomUUID } from "node:crypto";
import type { Operation } from "@arte/contracts";
import { exampleFor, type JsonSchema } from "./examples.js";

/** mulberry32: small, fast, good enough to make a fuzz run repeatable from its seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof rng>;

export const BAD_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "abc\u0000def",
  "\u202Egnp.exe\u202C",
  "\uD800",
  "x\uDFFFy",
  "😀".repeat(40),
  "👩‍👩‍👧‍👦🏳️‍🌈",
  "\uFEFFbom",
  "\u200B\u200D",
  "İıßﬃ",
  "' OR '1'='1",
  "'; drop table users; --",
  "1; select pg_sleep(5)",
  '{"$ne": null}',
  '{"$gt": ""}',
  "$where",
  "../../../../etc/passwd",
  "%00%2e%2e%2f",
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-looking string is the point
  "${jndi:ldap://127.0.0.1/a}",
  "{{7*7}}",
  "\r\nX-Injected: 1",
  "NaN",
  "-1",
  "1e309",
  "0x1F",
  "true",
  "null",
  "a".repeat(10_000),
  "가".repeat(5_000),
];

export const BAD_NUMBERS: readonly number[] = [
  -1,
  0,
  -0,
  0.5,
  -0.000001,
  1.5,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  1.7976931348623157e308,
  Number.MIN_VALUE,
];

export const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [1, 2, 3],
  { $ne: null },
  { $gt: "" },
  "a string",
  123,
  -5,
];

/** Bodies no JSON parser should accept, or should refuse for prototype keys. */
export const MALFORMED_JSON: readonly string[] = [
  "{",
  '{"a":',
  "{'a': 1}",
  "[1, 2",
  '{"a": 1}}',
  "\u0000",
  "NaN",
  "undefined",
  '{"a": 01}',
  '{"a": 1,}',
  '{"a": "\\u12"}',
  "\uFEFF{}x",
  "[".repeat(5_000),
  `${"[".repeat(3_000)}${"]".repeat(3_000)}x`,
  '{"__proto__": {"role": "ADMIN"}}',
  '{"constructor": {"prototype": {"role": "ADMIN"}}}',
];

const NOT_UUIDS: readonly string[] = [
  "not-a-uuid",
  "1",
  "-1",
  "0",
  "00000000-0000-0000-0000-00000000000g",
  "ffffffff-ffff-ffff-ffff-ffffffffffff0",
  "' OR 1=1--",
  "%24ne",
  "%00",
  "%E2%80%AE",
  "%ED%A0%80",
  "%F0%9F%98%80",
  "..",
  "%2e%2e",
  "a%2fb",
  "a".repeat(300),
  "null",
  "undefined",
  "[object Object]",
];

const WRONG_CONTENT_TYPES: readonly string[] = [
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
  "image/png",
  "multipart/form-data; boundary=zzz",
  "application/problem+json",
];

export type OpenApiOperation = {
  operationId: string;
  parameters?: { name: string; in: "path" | "query" | "header"; required: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  "x-access"?: string;
};

export type FuzzCase = {
  opKey: string;
  method: string;
  /** The raw request target (already encoded as it should go on the wire). */
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Whether an admin token is sent. */
  admin: boolean;
  /** What was made bad. */
  what: string;
  /** Whether the contract refuses the request (so a 4xx is due and nothing may change). */
  invalid: boolean;
};

type Parts = {
  params: Record<string, string>;
  rawParams: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body:
    | { kind: "none" }
    | { kind: "json"; value: unknown }
    | { kind: "raw"; text: string; contentType: string };
  what: string[];
};

/** A raw path segment as it can travel: existing %XX kept, anything a request line cannot carry escaped. */
function onTheWire(raw: string): string {
  return raw.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@%]/g, (c) => encodeURIComponent(c));
}

function decodes(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/**
 * Whether the contract refuses these parts, by the operation's own zod schemas (what the service
 * validates with) and what the platform's parsers refuse (malformed JSON, unknown content types).
 */
function refusedByContract(op: Operation, parts: Parts): boolean {
  if (Object.keys(parts.rawParams).length) {
    const decoded: Record<string, string> = {};
    for (const [k, given] of Object.entries(parts.rawParams)) {
      const raw = onTheWire(given);
      const d = decodes(raw);
      // The gateway refuses segments a server would rewrite (404); Fastify refuses bad escapes (400).
      if (d === null || d === "." || d === ".." || d.includes("/") || /%2e|%2f|%5c|%25/i.test(raw))
        return true;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: a control character in a path is refused
      if (/[\u0000-\u001f\u007f]/.test(d)) return true;
      decoded[k] = d;
    }
    if (op.params && !op.params.safeParse(decoded).success) return true;
  }
  if (op.query && !op.query.safeParse(parts.query).success) return true;
  if (op.headers && !op.headers.safeParse(parts.headers).success) return true;
  const b = parts.body;
  if (b.kind === "raw") {
    if (b.contentType.startsWith("application/json")) {
      try {
        const v = JSON.parse(b.text);
        if (/"(__proto__|constructor)"/.test(b.text)) return true;
        if (op.body && !op.body.safeParse(v).success) return true;
      } catch {
        return true;
      }
    } else if (op.body && !op.contentType) {
      return true; // a JSON body under another content type: 415, or a string the schema refuses
    }
  } else if (
    b.kind === "json" &&
    op.body &&
    !op.body.safeParse(JSON.parse(JSON.stringify(b.value) ?? "null")).success
  ) {
    return true;
  }
  return false;
}

function badValueFor(r: Rng, schema: JsonSchema | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  const roll = r.int(3);
  if (roll === 0) return structuredClone(r.pick(WRONG_TYPES));
  if (type === "integer" || type === "number")
    return r.chance(0.7) ? r.pick(BAD_NUMBERS) : r.pick(BAD_STRINGS);
  return r.chance(0.8) ? r.pick(BAD_STRINGS) : r.pick(BAD_NUMBERS);
}

/** As it travels in a query string: text, with lone surrogates made well-formed (they cannot be encoded). */
const asQueryText = (v: unknown) =>
  (typeof v === "string" ? v : (JSON.stringify(v) ?? "")).replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );

/** One bad request for an operation (`service.opId`), from its OpenAPI entry and its contract. */
export function fuzzCase(
  r: Rng,
  opts: { service: string; op: Operation; openapi: OpenApiOperation; admin: boolean },
): FuzzCase {
  const { service, op, openapi } = opts;
  const ex = exampleFor(service, op);
  const parts: Parts = {
    params: { ...ex.params },
    rawParams: Object.fromEntries(Object.entries(ex.params).map(([k, v]) => [k, encodeURIComponent(v)])),
    query: { ...ex.query },
    headers: { ...ex.headers },
    body:
      ex.body !== undefined ? { kind: "json", value: structuredClone(ex.body) } : ({ kind: "none" } as const),
    what: [],
  };
  const params = openapi.parameters ?? [];
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  const headerParams = params.filter((p) => p.in === "header");
  const jsonBody = openapi.requestBody?.content["application/json"]?.schema;
  const multipart = Object.keys(openapi.requestBody?.content ?? {}).some((t) => t.startsWith("multipart/"));
  const canHaveBody = op.method !== "GET";

  const mutators: (() => void)[] = [];
  if (pathParams.length)
    mutators.push(() => {
      const p = r.pick(pathParams);
      const raw = r.pick(NOT_UUIDS);
      parts.rawParams[p.name] = raw;
      parts.what.push(`path ${p.name}=${raw.slice(0, 40)}`);
    });
  if (queryParams.length)
    mutators.push(() => {
      const p = r.pick(queryParams);
      const v = badValueFor(r, p.schema);
      parts.query[p.name] = r.chance(0.15) ? [asQueryText(v), asQueryText(v)] : asQueryText(v);
      parts.what.push(`query ${p.name}=${asQueryText(v).slice(0, 40)}`);
    });
  mutators.push(() => {
    const k = r.pick([
      "isAdmin",
      "role",
      "$where",
      "limit[$gt]",
      "__proto__[x]",
      "sort",
      "🙂",
      "a".repeat(2000),
    ]);
    parts.query[k] = r.pick(["1", "ADMIN", "true", "' OR 1=1--"]);
    parts.what.push(`unknown query ${k.slice(0, 20)}`);
  });
  if (headerParams.length)
    mutators.push(() => {
      const p = r.pick(headerParams);
      // Header values must be ByteStrings on the wire: keep the bad ones that can travel.
      const v = r.pick(["", "short", "a".repeat(101), "has space", "semi;colon", "ü-not-ascii", "%00"]);
      if (/[^\t\x20-\x7e]/.test(v)) parts.headers[p.name] = encodeURIComponent(v);
      else if (v === "") delete parts.headers[p.name];
      else parts.headers[p.name] = v;
      parts.what.push(`header ${p.name}=${v.slice(0, 20)}`);
    });
  if (jsonBody && canHaveBody) {
    const props = Object.entries(jsonBody.properties ?? {});
    /** The JSON body as an object to change (a body made a non-object before starts over as {}). */
    const body = (): Record<string, unknown> => {
      const v = parts.body.kind === "json" ? parts.body.value : undefined;
      if (v !== null && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
      const fresh: Record<string, unknown> = {};
      parts.body = { kind: "json", value: fresh };
      return fresh;
    };
    if (props.length) {
      mutators.push(() => {
        const [k, s] = r.pick(props);
        const v = badValueFor(r, s);
        body()[k] = v;
        parts.what.push(`body.${k}=${JSON.stringify(v)?.slice(0, 40)}`);
      });
      mutators.push(() => {
        const [k, s] = r.pick(props);
        const v = s.type === "string" || s.format ? r.pick(BAD_STRINGS) : r.pick(BAD_NUMBERS);
        body()[k] = v;
        parts.what.push(`body.${k}=${JSON.stringify(v)?.slice(0, 40)}`);
      });
    }
    if ((jsonBody.required ?? []).length)
      mutators.push(() => {
        const k = r.pick(jsonBody.required!);
        delete body()[k];
        parts.what.push(`body without ${k}`);
      });
    mutators.push(() => {
      const k = r.pick(["role", "isAdmin", "userId", "id", "status", "balance", "$set", "extra"]);
      body()[k] = structuredClone(r.pick(["ADMIN", true, randomUUID(), 1_000_000, { $ne: null }]));
      parts.what.push(`body.${k} unknown`);
    });
    mutators.push(() => {
      const v = structuredClone(r.pick(WRONG_TYPES));
      parts.body = { kind: "json", value: v };
      parts.what.push(`body ${JSON.stringify(v)}`);
    });
  }
  if (canHaveBody) {
    mutators.push(() => {
      const text = r.pick(MALFORMED_JSON);
      parts.body = { kind: "raw", text, contentType: "application/json" };
      parts.what.push(`malformed JSON ${JSON.stringify(text.slice(0, 30))}`);
    });
    mutators.push(() => {
      const contentType = r.pick(WRONG_CONTENT_TYPES);
      const text = JSON.stringify(parts.body.kind === "json" ? parts.body.value : { a: 1 });
      parts.body = { kind: "raw", text, contentType };
      parts.what.push(`content-type ${contentType}`);
    });
    mutators.push(() => {
      parts.body = { kind: "raw", text: "", contentType: "application/json" };
      parts.what.push("empty JSON body");
    });
  }
  if (multipart)
    mutators.push(() => {
      const boundary = "b0undary";
      const text = r.pick([
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../x.png"\r\nContent-Type: image/png\r\n\r\nnot a png\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n${"\u0000".repeat(100)}`,
        "--other\r\n\r\n",
        "",
      ]);
      parts.body = { kind: "raw", text, contentType: `multipart/form-data; boundary=${boundary}` };
      parts.what.push("bad multipart");
    });

  // One to three mutations.
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) r.pick(mutators)();

  const path = op.path.replaceAll(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
    onTheWire(parts.rawParams[name] ?? ""),
  );
  const qs = Object.entries(parts.query)
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`),
    )
    .join("&");
  const headers: Record<string, string> = { ...parts.headers };
  let body: string | undefined;
  if (parts.body.kind === "json" && canHaveBody) {
    body = JSON.stringify(parts.body.value);
    headers["content-type"] = "application/json";
  } else if (parts.body.kind === "raw" && canHaveBody) {
    body = parts.body.text;
    headers["content-type"] = parts.body.contentType;
  }
  return {
    opKey: `${service}.${op.id}`,
    method: op.method,
    url: `/api/${service}${path}${qs ? `?${qs}` : ""}`,
    headers,
    body,
    admin: opts.admin,
    what: parts.what.join("; "),
    invalid: refusedByContract(op, parts),
  };
}
