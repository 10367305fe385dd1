import { z } from "zod";

/**
 * The one error body, RFC 9457 problem+json with the `code` and `requestId` extension members, and the
 * same facts under `error` for clients that read `{ error: { code, message, details? }, requestId }`.
 * Clients switch on `code`, never on `title`.
 */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type Problem = z.infer<typeof Problem>;

/** Errors any context may return (code → HTTP status). */
export const CommonErrors = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;
export type CommonErrorCode = keyof typeof CommonErrors;

/** A page of results with an opaque cursor to the next page (null at the end). */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number().int().optional() });

/** `?limit=&cursor=` for cursor-paginated lists. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

/** A UUID path parameter. */
export const IdParams = z.strictObject({ id: z.uuid() });

/** `{ message }` acknowledgement bodies. */
export const Ack = z.object({ message: z.string() });

/** Roles carried in access tokens. */
export const Role = z.enum(["USER", "ADMIN"]);
export type Role = z.infer<typeof Role>;

/** Locales the platform speaks. Korean is the default. */
export const Locale = z.enum(["ko", "en"]);
export type Locale = z.infer<typeof Locale>;

/** Health and readiness bodies. */
export const Health = z.object({
  status: z.enum(["ok", "degraded", "down"]),
  service: z.string(),
  instance: z.string(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })).optional(),
});

/** Claims of an access token as every service reads them: user id, role, session id, email verified. */
export const AccessClaims = z.object({
  sub: z.uuid(),
  role: Role,
  sid: z.uuid(),
  ev: z.boolean(),
});
export type AccessClaims = z.infer<typeof AccessClaims>;
