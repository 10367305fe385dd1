import { CommonErrors } from "@arte/contracts";

/**
 * An expected failure with a stable code. The status comes from the context's error table in
 * `@arte/contracts`, so a code and its status are written in exactly one place.
 */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Binds a context's code → status table: `const fail = failWith(UserErrors); throw fail("X", "…")`. */
export const failWith =
  <C extends Record<string, number>>(table: C) =>
  (code: keyof C & string, message: string, details?: unknown, headers?: Record<string, string>) =>
    new AppError(code, table[code] as number, message, details, headers);

/** Errors any context may raise. */
export const fail = failWith(CommonErrors);

/**
 * A consumer failure that retrying cannot fix (a permanent SMTP rejection, say): the runner sends the
 * message to the dead-letter stream at once instead of redelivering it.
 */
export class PermanentError extends Error {
  override name = "PermanentError";
}
