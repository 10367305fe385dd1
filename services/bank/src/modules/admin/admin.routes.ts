import { bank, routeSchema } from "@arte/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { AdminService } from "./admin.service.js";

const ops = bank.bankOperations;

/** HTTP adapter only: one service call per route, ADMIN only (the gateway checks it too). */
export const adminRoutes: FastifyPluginAsyncZod<{ admin: AdminService }> = async (app, { admin }) => {
  const guard = app.requireRole("ADMIN");
  app.route({
    method: ops.adminListAccounts.method,
    url: ops.adminListAccounts.path,
    schema: { ...routeSchema(ops.adminListAccounts), tags: ["bank"] },
    onRequest: guard,
    handler: async (req) => admin.listAccounts(req.query as z.infer<typeof bank.AdminAccountListQuery>),
  });
  app.route({
    method: ops.adminAccountJournal.method,
    url: ops.adminAccountJournal.path,
    schema: { ...routeSchema(ops.adminAccountJournal), tags: ["bank"] },
    onRequest: guard,
    handler: async (req) =>
      admin.journal((req.params as { id: string }).id, req.query as z.infer<typeof bank.JournalQuery>),
  });
  app.route({
    method: ops.adminLedgerCheck.method,
    url: ops.adminLedgerCheck.path,
    schema: { ...routeSchema(ops.adminLedgerCheck), tags: ["bank"] },
    onRequest: guard,
    handler: async () => admin.ledgerCheck(),
  });
};
