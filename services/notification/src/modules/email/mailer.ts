import nodemailer from "nodemailer";

/**
 * The SMTP side: one transport from `SMTP_URL`, bounded timeouts, and a classification of failures
 * by whether the server could have accepted the message.
 */

export type OutgoingMail = {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable per (event, template): a resend after an unknown outcome carries the same Message-ID. */
  messageId: string;
};

export type SendResult = { messageId: string; response: string };

export type Mailer = {
  send(mail: OutgoingMail): Promise<SendResult>;
  /** The domain for Message-IDs (from MAIL_FROM). */
  domain: string;
  close(): void;
};

/**
 * - `transient`: the server did not take the message and may later (4xx reply, refused connection,
 *   connect or greeting timeout): retry with backoff;
 * - `permanent`: it did not take it and never will (5xx reply, bad envelope such as an invalid
 *   recipient): dead-letter;
 * - `unknown`: the session broke after it had started (socket timeout, connection dropped mid-way):
 *   the server may have accepted the message, so it is not retried (at most once).
 */
export type FailureKind = "transient" | "permanent" | "unknown";

type MailError = Error & {
  code?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
  originalCode?: string;
};

/** A send that did not finish within the overall deadline: its outcome is unknown. */
export class SendTimeoutError extends Error {
  override name = "SendTimeoutError";
}

const PRE_SESSION_TIMEOUTS = new Set([
  "CONNECT_TIMEOUT",
  "GREETING_TIMEOUT",
  "UPGRADE_TIMEOUT",
  "DNS_TIMEOUT",
]);
const NO_CONNECTION = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

export function classifySmtpError(err: unknown): FailureKind {
  if (err instanceof SendTimeoutError) return "unknown";
  const e = err as MailError;
  if (typeof e?.responseCode === "number") {
    // A reply from the server: it refused this step, so it did not take the message.
    // 503 ("bad sequence") is about the session, not the message: a new session may work.
    if (e.responseCode >= 500 && e.responseCode !== 503) return "permanent";
    return "transient";
  }
  switch (e?.code) {
    case "EENVELOPE": // no/invalid recipient or sender, found before anything was sent
    case "EMESSAGE":
    case "ECONFIG":
    case "EREQUIRETLS":
      return "permanent";
    case "EDNS":
    case "ETLS": // STARTTLS/TLS handshake: before MAIL FROM
    case "EAUTH":
    case "ENOAUTH":
    case "EOAUTH2":
    case "EPROXY":
      return "transient";
    case "ETIMEDOUT":
      return e.timeoutType && PRE_SESSION_TIMEOUTS.has(e.timeoutType) ? "transient" : "unknown";
    case "ECONNECTION":
    case "ESOCKET":
      return e.originalCode && NO_CONNECTION.has(e.originalCode) ? "transient" : "unknown";
    default:
      if (e?.code && NO_CONNECTION.has(e.code)) return "transient";
      return "unknown";
  }
}

/** A short, log- and table-safe description of a failure. */
export function describeSmtpError(err: unknown): string {
  const e = err as MailError;
  const parts = [e?.code, e?.command, e?.responseCode, e?.message ?? String(err)].filter(
    (p) => p !== undefined && p !== "",
  );
  return parts.join(" | ").slice(0, 1000);
}

/** The address part of `Name <addr@domain>` or `addr@domain`. */
export function addressDomain(from: string): string {
  const addr = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = addr.split("@")[1]?.trim();
  return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : "arte-moderni.local";
}

export type MailerOptions = {
  smtpUrl: string;
  from: string;
  /** Overall bound on one send; past it the outcome is unknown. */
  sendTimeoutMs?: number;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
};

export const DEFAULT_SEND_TIMEOUT_MS = 60_000;

export function createMailer(opts: MailerOptions): Mailer {
  const connectionTimeout = opts.connectionTimeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    connectionTimeout,
    greetingTimeout: connectionTimeout,
    dnsTimeout: connectionTimeout,
    socketTimeout: opts.socketTimeoutMs ?? 30_000,
    // One connection per message: simple failure semantics; the volume (sign-ups, codes) is low.
    pool: false,
  });
  const sendTimeoutMs = opts.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return {
    domain: addressDomain(opts.from),
    async send(mail) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SendTimeoutError(`send did not finish within ${sendTimeoutMs} ms`)),
          sendTimeoutMs,
        );
      });
      try {
        const info = await Promise.race([
          transport.sendMail({
            from: opts.from,
            to: mail.to,
            subject: mail.subject,
            html: mail.html,
            text: mail.text,
            messageId: mail.messageId,
          }),
          deadline,
        ]);
        return { messageId: info.messageId, response: String(info.response ?? "") };
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      transport.close();
    },
  };
}
