import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import type { Problem } from "@arte/contracts";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError } from "../errors.js";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Builds the one error body (RFC 9457 problem+json, plus `code`, `requestId` and `error`). */
export function problem(
  req: Pick<FastifyRequest, "id" | "url">,
  status: number,
  code: string,
  message: string,
  extra: { details?: unknown; errors?: { path: string; message: string }[] } = {},
): Problem {
  return {
    type: `https://arte-moderni.dev/errors/${code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLES[status] ?? "Error",
    status,
    code,
    detail: message,
    instance: req.url.split("?")[0],
    requestId: String(req.id),
    ...(extra.errors ? { errors: extra.errors } : {}),
    error: { code, message, ...(extra.details !== undefined ? { details: extra.details } : {}) },
  };
}

export function sendProblem(reply: FastifyReply, body: Problem, headers?: Record<string, string>) {
  if (headers) reply.headers(headers);
  return reply.code(body.status).type("application/problem+json").send(body);
}

/** Fastify's own 4xx errors, by code. Everything else unexpected is a 500. */
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, "MALFORMED_JSON"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "MALFORMED_JSON"],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "PAYLOAD_TOO_LARGE"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "UNSUPPORTED_MEDIA_TYPE"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, "VALIDATION_FAILED"],
  FST_ERR_BAD_URL: [400, "VALIDATION_FAILED"],
  FST_ERR_ASYNC_CONSTRAINT: [400, "VALIDATION_FAILED"],
  FST_ERR_VALIDATION: [400, "VALIDATION_FAILED"],
};

/**
 * Postgres errors that a client's input or the database's load causes, not a bug: text with a NUL
 * (Postgres cannot store U+0000: "invalid byte sequence for encoding UTF8: 0x00" / "unsupported Unicode
 * escape sequence") is invalid input; a database out of connection slots or starting up is a 503.
 */
const PG_CODES: Record<string, [number, string, string]> = {
  "22021": [400, "VALIDATION_FAILED", "The request contains a character that cannot be stored (NUL)"],
  "22P05": [400, "VALIDATION_FAILED", "The request contains a character that cannot be stored (NUL)"],
  "53300": [503, "SERVICE_UNAVAILABLE", "The service is busy, try again shortly"],
  "57P03": [503, "SERVICE_UNAVAILABLE", "The service is starting, try again shortly"],
  // The connection was lost under the request (a restart or failover, a killed backend, the network):
  // a dependency outage, not a bug; the transaction did not commit, or its outcome is unknown and the
  // retry (same Idempotency-Key) settles it.
  "57P01": [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
  "57P02": [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
  "08000": [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
  "08003": [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
  "08006": [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
  ECONNRESET: [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
  ECONNREFUSED: [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
  EPIPE: [503, "SERVICE_UNAVAILABLE", "The database connection was lost, try again shortly"],
};
/** What node-postgres throws, without a code, for a query on a connection that died (→ 08006). */
const PG_CONNECTION_LOST =
  /^(Connection terminated( unexpectedly)?|Client has encountered a connection error and is not queryable)$/;

/**
 * The framework's own refusals before any route runs (`frameworkErrors`: a URL that does not decode,
 * a path parameter over `maxParamLength`), in the one error shape.
 */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const [status, code] = err.code
    ? (FASTIFY_CODES[err.code] ?? [400, "VALIDATION_FAILED"])
    : [400, "VALIDATION_FAILED"];
  req.log.info({ code, reason: err.message }, "client error");
  // The app's hooks do not run for these: set the request id here.
  return sendProblem(reply, problem(req, status, code, err.message), { "x-request-id": String(req.id) });
}

/**
 * What the HTTP server answers a request it cannot even parse (`clientErrorHandler`: headers too large,
 * a malformed request line, a read timeout), in the one error shape, then closes the connection.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) {
    socket.destroy(err);
    return;
  }
  const [status, code, title] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "VALIDATION_FAILED", "Request Header Fields Too Large"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "VALIDATION_FAILED", "Request Timeout"]
        : [400, "VALIDATION_FAILED", "Bad Request"];
  const requestId = `req-${randomUUID()}`;
  const message = status === 431 ? "The request's headers or URL are too large" : "The request is malformed";
  const body = JSON.stringify({
    type: `https://arte-moderni.dev/errors/${code.toLowerCase().replaceAll("_", "-")}`,
    title,
    status,
    code,
    detail: message,
    requestId,
    error: { code, message },
  } satisfies Problem);
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `x-request-id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * One error handler for every route (fastify-plugin, so it is not encapsulated):
 * invalid input → 400 VALIDATION_FAILED with field errors; AppError → its status and code;
 * Fastify's client errors → their 4xx; anything else → logged at error, generic 500.
 * 4xx are logged at info: a flood of client mistakes must not page anyone.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const errors = err.validation.map((v) => ({
          path: `${err.validationContext ?? "body"}${v.instancePath ? v.instancePath.replaceAll("/", ".") : ""}`,
          message: v.message ?? "invalid",
        }));
        req.log.info({ code: "VALIDATION_FAILED", errors }, "invalid request");
        return sendProblem(
          reply,
          problem(req, 400, "VALIDATION_FAILED", "The request is invalid", { errors }),
        );
      }
      if (err instanceof AppError) {
        const log = err.status >= 500 ? req.log.error.bind(req.log) : req.log.info.bind(req.log);
        log({ code: err.code, details: err.details }, err.message);
        return sendProblem(
          reply,
          problem(req, err.status, err.code, err.message, { details: err.details }),
          err.headers,
        );
      }
      if (isResponseSerializationError(err)) {
        req.log.error({ err, issues: err.cause?.issues }, "response does not match its schema");
        return sendProblem(reply, problem(req, 500, "INTERNAL", "Something went wrong"));
      }
      const known = err.code ? FASTIFY_CODES[err.code] : undefined;
      if (known) {
        req.log.info({ code: known[1], reason: err.message }, "client error");
        return sendProblem(reply, problem(req, known[0], known[1], err.message));
      }
      const pgCode =
        typeof err.code === "string" ? err.code : PG_CONNECTION_LOST.test(err.message) ? "08006" : undefined;
      const pg = pgCode ? PG_CODES[pgCode] : undefined;
      if (pg) {
        const log = pg[0] >= 500 ? req.log.warn.bind(req.log) : req.log.info.bind(req.log);
        log({ code: pg[1], reason: err.message }, "database refused");
        return sendProblem(
          reply,
          problem(req, pg[0], pg[1], pg[2]),
          pg[0] === 503 ? { "retry-after": "1" } : undefined,
        );
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const code =
          status === 429
            ? "RATE_LIMITED"
            : status === 404
              ? "NOT_FOUND"
              : status === 413
                ? "PAYLOAD_TOO_LARGE"
                : "VALIDATION_FAILED";
        req.log.info({ code, reason: err.message }, "client error");
        return sendProblem(reply, problem(req, status, code, err.message));
      }
      req.log.error({ err }, "unhandled error");
      return sendProblem(reply, problem(req, 500, "INTERNAL", "Something went wrong"));
    });
    app.setNotFoundHandler((req, reply) =>
      sendProblem(
        reply,
        problem(req, 404, "NOT_FOUND", `No route for ${req.method} ${req.url.split("?")[0]}`),
      ),
    );
  },
  { name: "arte-error-handler" },
);
