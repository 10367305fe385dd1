/**
 * Minimal valid-looking inputs for any operation of the contracts: generated from the zod schema (via
 * its JSON Schema), checked against the zod schema itself, with hand-written examples where a
 * generator cannot know the rule (regexes, cross-field refinements).
 */
import { randomUUID } from "node:crypto";
import type { Operation } from "@arte/contracts";
import { z } from "zod";

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
}

/**
 * A minimal value the zod schema accepts: from its input JSON Schema, else from its output one (a
 * pipe's formats and patterns show only on the output side), else the input attempt (invalid).
 */
export function generateValid(schema: z.ZodType, map: (v: unknown) => unknown = (v) => v): unknown {
  const first = map(minimalValue(jsonSchemaOf(schema, "input")));
  if (schema.safeParse(first).success) return first;
  const second = map(minimalValue(jsonSchemaOf(schema, "output")));
  return schema.safeParse(second).success ? second : first;
}

/**
 * The shortest string a simple regex of the contracts accepts: anchors, literals, `\\d`, classes,
 * groups and quantifiers (each atom at its minimum count, digits as 1). Null when it cannot tell.
 */
export function sampleForPattern(pattern: string): string | null {
  let i = 0;
  const src = pattern.replace(/^\^/, "").replace(/\$$/, "");
  function atom(): string | null {
    const c = src[i]!;
    if (c === "\\") {
      const n = src[i + 1]!;
      i += 2;
      return n === "d" ? "1" : n === "w" ? "a" : n === "s" ? " " : n;
    }
    if (c === "[") {
      const end = src.indexOf("]", i);
      const body = src.slice(i + 1, end);
      i = end + 1;
      if (body.startsWith("^")) return null;
      const first = body.startsWith("\\") ? (body[1] === "d" ? "1" : body[1]!) : body[0]!;
      return first;
    }
    if (c === "(") {
      i++;
      if (src.startsWith("?:", i)) i += 2;
      const inner = sequence(")");
      i++; // ")"
      return inner;
    }
    if (c === ".") {
      i++;
      return "a";
    }
    i++;
    return c;
  }
  function sequence(stop?: string): string | null {
    let out = "";
    while (i < src.length && src[i] !== stop) {
      if (src[i] === "|") return null;
      const a = atom();
      if (a === null) return null;
      let min = 1;
      const q = src[i];
      if (q === "?" || q === "*") {
        min = 0;
        i++;
      } else if (q === "+") i++;
      else if (q === "{") {
        const end = src.indexOf("}", i);
        min = Number(src.slice(i + 1, end).split(",")[0]);
        i = end + 1;
      }
      out += a.repeat(min);
    }
    return out;
  }
  try {
    const v = sequence();
    return v !== null && new RegExp(pattern).test(v) ? v : null;
  } catch {
    return null;
  }
}

function stringFor(s: JsonSchema): string {
  const now = Date.now();
  switch (s.format) {
    case "uuid":
      return randomUUID();
    case "email":
      return `someone.${randomUUID().slice(0, 8)}@example.com`;
    case "date":
      return "1990-01-01";
    case "date-time":
      return new Date(now + 86_400_000).toISOString();
    case "uri":
      return "https://example.com/";
  }
  if (s.pattern) {
    const sample = sampleForPattern(s.pattern);
    if (sample !== null && sample.length >= (s.minLength ?? 0)) return sample;
    if (new RegExp(s.pattern).test("abcdefgh12")) return "abcdefgh12";
  }
  const min = Math.max(s.minLength ?? 1, 1);
  let v = "Art12345";
  while (v.length < min) v += "x";
  return s.maxLength !== undefined ? v.slice(0, s.maxLength) : v;
}

/** The smallest value a JSON Schema accepts, as far as a generator can tell (required fields only). */
export function minimalValue(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return minimalValue(alts.find((a) => a.type !== "null") ?? alts[0]!);
  if (s.allOf) return minimalValue(s.allOf[0]!);
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== "null") ?? s.type[0]) : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) {
        const prop = s.properties?.[k] ?? {};
        // An email behind a transform shows no format: the property's name tells.
        out[k] =
          /email/i.test(k) && prop.type === "string" && !prop.format
            ? stringFor({ ...prop, format: "email" })
            : minimalValue(prop);
      }
      return out;
    }
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => minimalValue(s.items ?? {}));
    case "string":
      return stringFor(s);
    case "integer":
    case "number": {
      let v = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      if (s.maximum !== undefined && v > s.maximum) v = s.maximum;
      return type === "integer" ? Math.ceil(v) : v;
    }
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return "x";
  }
}

/**
 * Hand-written bodies for operations whose rules a generator cannot meet (taxonomy, date order,
 * "nothing to update" refinements). Keyed by `<service>.<operation id>`; each is checked against the
 * contract by the tests, so a contract change that breaks one fails loudly.
 */
export const BODY_EXAMPLES: Record<string, () => unknown> = {
  "users.updateMe": () => ({ locale: "en" }),
  "users.signUp": () => ({
    email: `someone.${randomUUID().slice(0, 8)}@example.com`,
    password: "a-long-passphrase-42",
    username: "김민지",
    birth: "1991-04-12",
    gender: "녀",
    phoneNumber: "010-1234-5678",
    postcode: "03154",
    address: "서울특별시 종로구 세종대로 175",
    verificationToken: "not-a-real-verification-token",
  }),
  "users.changePassword": () => ({ currentPassword: "not-my-password-1", newPassword: "new-passphrase-42" }),
  "users.resetPassword": () => ({
    email: "nobody@example.com",
    code: "123456",
    newPassword: "new-passphrase-42",
  }),
  "catalog.adminUpdateArtist": () => ({ version: 1, nameEn: "Someone" }),
  "catalog.adminUpdateArtwork": () => ({ version: 1, titleKo: "무제" }),
  "auction.adminCreateLot": () => ({
    artworkId: randomUUID(),
    startPrice: 100_000,
    startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    endsAt: new Date(Date.now() + 7_200_000).toISOString(),
  }),
  "auction.adminUpdateLot": () => ({ startPrice: 200_000 }),
  "auction.placeBid": () => ({ amount: 100_000 }),
};

export type Example = {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** Why no valid input could be made (the test reports it). */
  problem?: string;
};

/** A JSON Schema value as it would travel in a query string or header (strings). */
const asText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** A minimal valid input for an operation: random uuids for path ids, required query/headers/body. */
export function exampleFor(service: string, op: Operation): Example {
  const params: Record<string, string> = {};
  for (const m of op.path.matchAll(/:([A-Za-z0-9_]+)/g)) params[m[1]!] = randomUUID();
  const problems: string[] = [];
  const fromSchema = (schema: z.ZodType | undefined, what: string) => {
    if (!schema) return {};
    const out = generateValid(schema, (v) =>
      Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, asText(x)])),
    ) as Record<string, string>;
    if (!schema.safeParse(out).success) problems.push(`${what} ${JSON.stringify(out)} is not valid`);
    return out;
  };
  const query = fromSchema(op.query, "query");
  const headers = fromSchema(op.headers, "headers");
  if (headers["idempotency-key"] !== undefined) headers["idempotency-key"] = randomUUID();
  let body: unknown;
  if (op.contentType && op.contentType !== "application/json") {
    body = undefined; // uploads: sent as an empty multipart body
  } else if (op.body) {
    const example = BODY_EXAMPLES[`${service}.${op.id}`];
    body = example ? example() : generateValid(op.body);
    const parsed = op.body.safeParse(body);
    if (!parsed.success) {
      problems.push(
        `body ${JSON.stringify(body)} is not valid (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}); add one to BODY_EXAMPLES in test/lib/examples.ts`,
      );
    }
  }
  if (op.params && !op.params.safeParse(params).success) problems.push(`params ${JSON.stringify(params)}`);
  return { params, query, headers, body, ...(problems.length ? { problem: problems.join("; ") } : {}) };
}

/** `/v1/x/:id` → `/api/<service>/v1/x/<id>` with the query string. */
export function publicPath(
  service: string,
  op: Pick<Operation, "path">,
  params: Record<string, string>,
  query: Record<string, string | string[]> = {},
): string {
  const path = op.path.replaceAll(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
    encodeURIComponent(params[name] ?? ""),
  );
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  const q = qs.toString();
  return `/api/${service}${path}${q ? `?${q}` : ""}`;
}
