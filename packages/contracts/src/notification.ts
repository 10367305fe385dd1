import { z } from "zod";
import {
  BidOutbidV1,
  BidPlacedV1,
  LotCancelledV1,
  LotClosedV1,
  LotOpenedV1,
  LotScheduledV1,
  LotSoldV1,
  LotUnsoldV1,
} from "./auction.js";
import { ArtworkCreatedV1, ArtworkUnwatchedV1, ArtworkUpdatedV1, ArtworkWatchedV1 } from "./catalog.js";
import { Locale, PageQuery, page } from "./common.js";
import { defineOperations } from "./http.js";
import { InvoiceFailedV1, InvoicePaidV1, RefundIssuedV1 } from "./payment.js";

// ---------------------------------------------------------------------------------------------
// The sent-message log (one row per event and template; the send is at most once per row)
// ---------------------------------------------------------------------------------------------

/** The emails the notification service knows how to write. */
export const EmailTemplate = z.enum([
  "welcome",
  "email-code",
  "password-reset",
  "outbid",
  "won",
  "starting-soon",
  "receipt",
  "refund",
  "payment-failed",
]);
export type EmailTemplate = z.infer<typeof EmailTemplate>;

/**
 * - PENDING: claimed, a send is (or was, if the process died) in flight;
 * - SENT: the SMTP server accepted it;
 * - FAILED: the SMTP server certainly did not accept it (rejected, or never reached); a later
 *   delivery of the event may try again;
 * - UNKNOWN: an attempt ended without knowing whether the server accepted it; never resent
 *   automatically (at most once), dead-lettered for a person to decide;
 * - SKIPPED: deliberately not sent (the code in it had already expired, the recipient is unknown to
 *   the notification service, an outbid email inside the throttle window, the lot had already ended).
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
// In-app notifications (a user's own; created once per (source event, user))
// ---------------------------------------------------------------------------------------------

/**
 * - outbid: someone bid above you (`params`: currentPrice, nextMinimum, endsAt);
 * - won: you won the lot (`params`: hammerPrice, premium, total);
 * - lost: the lot closed and you did not win (`params`: outcome SOLD | UNSOLD);
 * - starting_soon: a lot of an artwork you watch starts soon (`params`: startsAt);
 * - payment_failed: paying for a lot you won failed (`params`: invoiceId, number, total, reason).
 */
export const NotificationKind = z.enum(["outbid", "won", "lost", "starting_soon", "payment_failed"]);
export type NotificationKind = z.infer<typeof NotificationKind>;

export const InAppNotification = z.object({
  id: z.uuid(),
  kind: NotificationKind,
  lotId: z.uuid().nullable(),
  artworkId: z.uuid().nullable(),
  /** The artwork's title (Korean and, when it has one, English) as known when it was created. */
  title: z.object({ ko: z.string(), en: z.string().nullable() }).nullable(),
  /** Values for the client's message (amounts in won, ISO instants). */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type InAppNotification = z.infer<typeof InAppNotification>;

export const NotificationListQuery = PageQuery.extend({
  /** `true`: only unread ones. */
  unread: z.enum(["true", "false"]).optional(),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

export const NotificationIdParams = z.strictObject({ id: z.uuid() });
export const UnreadCount = z.object({ count: z.int().min(0) });
export const ReadAllResult = z.object({ updated: z.int().min(0) });

// ---------------------------------------------------------------------------------------------
// Errors: code → status
// ---------------------------------------------------------------------------------------------

export const NotificationErrors = {
  CURSOR_INVALID: 400,
  /** No such notification of the caller's (another user's is not found either). */
  NOTIFICATION_NOT_FOUND: 404,
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
  listMyNotifications: {
    id: "listMyNotifications",
    method: "GET",
    path: "/v1/me/notifications",
    access: "user",
    summary: "Your in-app notifications, newest first, cursor-paged (`unread=true`: unread only)",
    query: NotificationListQuery,
    responses: { 200: page(InAppNotification) },
  },
  myUnreadNotificationCount: {
    id: "myUnreadNotificationCount",
    method: "GET",
    path: "/v1/me/notifications/unread-count",
    access: "user",
    summary: "How many of your notifications are unread",
    responses: { 200: UnreadCount },
  },
  markNotificationRead: {
    id: "markNotificationRead",
    method: "POST",
    path: "/v1/me/notifications/:id/read",
    access: "user",
    summary: "Mark one of your notifications read (idempotent: the first read time stays)",
    params: NotificationIdParams,
    responses: { 200: InAppNotification },
  },
  markAllNotificationsRead: {
    id: "markAllNotificationsRead",
    method: "POST",
    path: "/v1/me/notifications/read-all",
    access: "user",
    summary: "Mark every unread notification of yours read",
    responses: { 200: ReadAllResult },
  },
});

// ---------------------------------------------------------------------------------------------
// What the notification context consumes besides the USER events (SUBSCRIPTIONS in index.ts)
// ---------------------------------------------------------------------------------------------

/** Lots (read model, reminders, won/lost), bidders, and outbids. */
export const notificationAuctionEvents = [
  LotScheduledV1,
  LotOpenedV1,
  LotClosedV1,
  LotCancelledV1,
  BidPlacedV1,
  LotSoldV1,
  LotUnsoldV1,
  BidOutbidV1,
] as const;

/** Watchers (reminders) and artwork titles. */
export const notificationCatalogEvents = [
  ArtworkWatchedV1,
  ArtworkUnwatchedV1,
  ArtworkCreatedV1,
  ArtworkUpdatedV1,
] as const;

/** Receipts, refunds and failed payments of the buyer. */
export const notificationPaymentEvents = [InvoicePaidV1, RefundIssuedV1, InvoiceFailedV1] as const;
