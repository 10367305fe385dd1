import { routeSchema } from "@arte/contracts";
import { type AdminMessageListQuery, notificationOperations } from "@arte/contracts/notification.js";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { MessagesService } from "./messages.service.js";

const op = notificationOperations.adminListMessages;

/** HTTP adapter only: the admin's view of the sent-message log. */
export const messagesRoutes: FastifyPluginAsyncZod<{ messages: MessagesService }> = async (
  app,
  { messages },
) => {
  app.route({
    method: op.method,
    url: op.path,
    schema: { ...routeSchema(op), tags: ["notification"] },
    onRequest: app.requireRole("ADMIN"),
    handler: async (req) => messages.list(req.query as AdminMessageListQuery),
  });
};
