import { routeSchema } from "@arte/contracts";
import { type BidAttemptsQuery, historyOperations } from "@arte/contracts/history.js";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AuditService } from "./audit.service.js";

const op = historyOperations.adminBidAttempts;

/** HTTP adapter only: admins' audit of every bid attempt. */
export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditService }> = async (app, { audit }) => {
  app.route({
    method: op.method,
    url: op.path,
    schema: { ...routeSchema(op), tags: ["history"] },
    onRequest: app.requireRole("ADMIN"),
    handler: async (req) => audit.list(req.query as BidAttemptsQuery),
  });
};
