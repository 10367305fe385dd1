import { type Logger, type LoggerOptions, pino } from "pino";

export type { Logger };

/** Paths never written to logs: credentials, tokens, codes and bank secrets. */
export const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.pin",
  "*.code",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.verificationToken",
  "*.accountNumber",
];

/**
 * The process logger: JSON lines carrying service and instance; pretty only on a TTY.
 * Request loggers are children of it carrying `reqId`.
 */
export function createLogger(opts: { service: string; instance: string; level?: string }): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? "info",
    base: { service: opts.service, instance: opts.instance },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (process.stdout.isTTY && opts.level !== "silent") {
    return pino({ ...options, transport: { target: "pino-pretty", options: { singleLine: true } } });
  }
  return pino(options);
}
