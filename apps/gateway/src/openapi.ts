import { type Operation, Problem } from "@arte/contracts";
import { z } from "zod";
import type { OperationTable } from "./routing/operations.js";

type JsonSchema = Record<string, unknown>;
type Parameter = { name: string; in: "path" | "query" | "header"; required: boolean; schema: JsonSchema };

const problemRef = { $ref: "#/components/schemas/Problem" };
const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemRef } },
});

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: Parameter["in"]): Parameter[] {
  if (!schema) return [];
  const js = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (js.required ?? []).includes(name),
    schema: s,
  }));
}

function operationObject(service: string, op: Operation) {
  const pathParams = parameters(op.params, "path");
  for (const m of op.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (!pathParams.some((p) => p.name === m[1])) {
      pathParams.push({ name: m[1]!, in: "path", required: true, schema: { type: "string" } });
    }
  }
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(op.responses)) {
    responses[status] = schema
      ? { description: "OK", content: { "application/json": { schema: jsonSchema(schema, "output") } } }
      : { description: "No content" };
  }
  if (op.body || op.query || op.params) responses["400"] ??= problemResponse("Invalid input");
  if (op.access !== "public") responses["401"] ??= problemResponse("No valid access token");
  if (op.access === "admin") responses["403"] ??= problemResponse("Not an admin");
  responses["429"] ??= problemResponse("Too many requests (see Retry-After)");
  responses.default = problemResponse("Error (problem+json; switch on `code`)");

  return {
    operationId: `${service}.${op.id}`,
    summary: op.summary,
    tags: [service],
    ...(op.access === "public" ? { security: [] } : { security: [{ bearer: [] }] }),
    "x-access": op.access,
    "x-rate-class": op.rate ?? "default",
    parameters: [...pathParams, ...parameters(op.query, "query"), ...parameters(op.headers, "header")],
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { [op.contentType ?? "application/json"]: { schema: jsonSchema(op.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of every service behind the gateway, built from the operation tables in
 * `@arte/contracts` (the same tables the gateway routes and authorises by): public paths are
 * `/api/<service>` + the operation's path, `:param` becomes `{param}`.
 */
export function buildOpenApiDocument(table: OperationTable, info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {
    "/api/time": {
      get: {
        operationId: "gateway.time",
        summary: "Server time, for computing the client's clock offset",
        tags: ["gateway"],
        security: [],
        responses: {
          200: {
            description: "OK",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { now: { type: "string", format: "date-time" }, epochMs: { type: "integer" } },
                  required: ["now", "epochMs"],
                },
              },
            },
          },
        },
      },
    },
  };
  for (const [service, ops] of Object.entries(table)) {
    for (const op of Object.values(ops)) {
      const path = `/api/${service}${op.path.replaceAll(/:([A-Za-z0-9_]+)/g, "{$1}")}`;
      paths[path] ??= {};
      paths[path][op.method.toLowerCase()] = operationObject(service, op);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Arte Moderni API",
      version: info.version,
      description:
        "Every service's HTTP API, through the gateway. Errors are RFC 9457 problem+json with `code` and `requestId`.",
    },
    servers: [{ url: "/" }],
    tags: [{ name: "gateway" }, ...Object.keys(table).map((name) => ({ name }))],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Problem: jsonSchema(Problem, "output") },
    },
  };
}
export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
