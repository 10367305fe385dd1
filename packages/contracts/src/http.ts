import type { z } from "zod";

/** Who may call an operation. The gateway enforces it before proxying; the service enforces it again. */
export type Access = "public" | "user" | "admin";

/**
 * Rate-limit class at the gateway: `default` per IP and per user; `auth` is stricter (login);
 * `email` is strictest (anything that sends an email).
 */
export type RateClass = "default" | "auth" | "email";

/**
 * One HTTP operation of a service, as the gateway and the web app see it. `path` is relative to the
 * service (`/v1/...`); the public path is `/api/<service><path>`. Fastify-style `:params`.
 */
export type Operation = {
  id: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  access: Access;
  rate?: RateClass;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Header schema for required headers such as Idempotency-Key. */
  headers?: z.ZodType;
  responses: Record<number, z.ZodType | null>;
  /** A body that is not JSON (multipart uploads). */
  contentType?: string;
  /**
   * Largest request body in bytes the gateway accepts for this operation (uploads); without it, the
   * gateway's `BODY_LIMIT_BYTES`.
   */
  bodyLimit?: number;
};

export const defineOperations = <const T extends Record<string, Operation>>(ops: T): T => ops;

/** The Fastify route schema of an operation. */
export function routeSchema(op: Operation) {
  return {
    summary: op.summary,
    operationId: op.id,
    ...(op.params ? { params: op.params } : {}),
    ...(op.query ? { querystring: op.query } : {}),
    ...(op.body ? { body: op.body } : {}),
    ...(op.headers ? { headers: op.headers } : {}),
    response: Object.fromEntries(Object.entries(op.responses).filter(([, v]) => v !== null)) as Record<
      number,
      z.ZodType
    >,
  };
}
