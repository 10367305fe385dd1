import { routeSchema, users } from "@arte/contracts";
import { caller } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { guardFor } from "../../lib/routes.js";
import type { AdminService } from "./admin.service.js";

const ops = users.usersOperations;
type Id = { id: string };

export const adminRoutes: FastifyPluginAsyncZod<{ admin: AdminService }> = async (app, { admin }) => {
  app.route({
    method: ops.adminListUsers.method,
    url: ops.adminListUsers.path,
    schema: routeSchema(ops.adminListUsers),
    onRequest: guardFor(app, ops.adminListUsers),
    handler: async (req) => admin.list(req.query as z.output<typeof users.AdminUserListQuery>),
  });
  app.route({
    method: ops.adminGetUser.method,
    url: ops.adminGetUser.path,
    schema: routeSchema(ops.adminGetUser),
    onRequest: guardFor(app, ops.adminGetUser),
    handler: async (req) => admin.get((req.params as Id).id),
  });
  app.route({
    method: ops.adminSuspendUser.method,
    url: ops.adminSuspendUser.path,
    schema: routeSchema(ops.adminSuspendUser),
    onRequest: guardFor(app, ops.adminSuspendUser),
    handler: async (req) =>
      admin.suspend({
        adminId: caller(req).sub,
        userId: (req.params as Id).id,
        reason: (req.body as z.output<typeof users.SuspendBody>).reason,
        correlationId: req.id,
      }),
  });
  app.route({
    method: ops.adminUnsuspendUser.method,
    url: ops.adminUnsuspendUser.path,
    schema: routeSchema(ops.adminUnsuspendUser),
    onRequest: guardFor(app, ops.adminUnsuspendUser),
    handler: async (req) => admin.unsuspend({ userId: (req.params as Id).id, correlationId: req.id }),
  });
};
