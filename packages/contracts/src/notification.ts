import { z } from "zod";
import { Locale, page } from "./common.js";
import { defineOperations } from "./http.js";

// ---------------------------------------------------------------------------------------------
// The sent-message log (one row per event and template; the send is at most once per row)
// ---------------------------------------------------------------------------------------------

/** The emails the notification service knows how to write. */
export const EmailTemplate = z.enum(["welcome", "email-code", "password-reset"]);
export type EmailTemplate = z.infer<typeof EmailTemplate>;

/**
 * - PENDING: claimed, a send is (or was, if the process died) in flight;
 * - SENT: the SMTP server accepted it;
 * - FAILED: the SMTP server certainly did not accept it (rejected, or never reached); a later
 *   delivery of the event may try again;
 * - UNKNOWN: an attempt ended without knowing whether the server accepted it; never resent
 *   automatically (at most once), dead-lettered for a person to decide;
 * - SKIPPED: deliberately not sent (the code in it had already expired).
 */
export const SentMessageStatus = z.enum(["PENDING", "SENT", "FAILED", "UNKNOWN", "SKIPPED"]);
export type SentMessageStatus = z.infer<typeof SentMessageStatus>;

export const SentMessage = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  template: EmailTemplate,
  recipient: z.string(),
  locale: Locale,
  subject: z.string(),
  status: SentMessageStatus,
  smtpMessageId: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
});
export type SentMessage = z.infer<typeof SentMessage>;

export const AdminMessageListQuery = z.strictObject({
  status: SentMessageStatus.optional(),
  template: EmailTemplate.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});
export type AdminMessageListQuery = z.infer<typeof AdminMessageListQuery>;

// ---------------------------------------------------------------------------------------------
// Errors: code → status
// ---------------------------------------------------------------------------------------------

export const NotificationErrors = {
  CURSOR_INVALID: 400,
} as const;
export type NotificationErrorCode = keyof typeof NotificationErrors;

// ---------------------------------------------------------------------------------------------
// Operations (public path = /api/notification + path)
// ---------------------------------------------------------------------------------------------

export const notificationOperations = defineOperations({
  adminListMessages: {
    id: "adminListMessages",
    method: "GET",
    path: "/v1/admin/messages",
    access: "admin",
    summary: "The sent-message log, newest first (no bodies: codes are never stored)",
    query: AdminMessageListQuery,
    responses: { 200: page(SentMessage) },
  },
});
