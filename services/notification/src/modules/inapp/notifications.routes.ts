import { routeSchema } from "@arte/contracts";
import { type NotificationListQuery, notificationOperations as ops } from "@arte/contracts/notification.js";
import { caller } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { NotificationsService } from "./notifications.service.js";

/** HTTP adapter only: the caller's own in-app notifications. */
export const notificationsRoutes: FastifyPluginAsyncZod<{ notifications: NotificationsService }> = async (
  app,
  { notifications },
) => {
  const schema = (op: (typeof ops)[keyof typeof ops]) => ({ ...routeSchema(op), tags: ["notification"] });

  app.route({
    method: ops.listMyNotifications.method,
    url: ops.listMyNotifications.path,
    schema: schema(ops.listMyNotifications),
    onRequest: app.authenticate,
    handler: async (req) => notifications.list(caller(req).sub, req.query as NotificationListQuery),
  });
  app.route({
    method: ops.myUnreadNotificationCount.method,
    url: ops.myUnreadNotificationCount.path,
    schema: schema(ops.myUnreadNotificationCount),
    onRequest: app.authenticate,
    handler: async (req) => notifications.unreadCount(caller(req).sub),
  });
  app.route({
    method: ops.markNotificationRead.method,
    url: ops.markNotificationRead.path,
    schema: schema(ops.markNotificationRead),
    onRequest: app.authenticate,
    handler: async (req) => notifications.markRead(caller(req).sub, (req.params as { id: string }).id),
  });
  app.route({
    method: ops.markAllNotificationsRead.method,
    url: ops.markAllNotificationsRead.path,
    schema: schema(ops.markAllNotificationsRead),
    onRequest: app.authenticate,
    handler: async (req) => notifications.markAllRead(caller(req).sub),
  });
};
