import { routeSchema, users } from "@arte/contracts";
import { caller } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { guardFor } from "../../lib/routes.js";
import type { AccountsService } from "./accounts.service.js";

const ops = users.usersOperations;

export const accountsRoutes: FastifyPluginAsyncZod<{ accounts: AccountsService }> = async (
  app,
  { accounts },
) => {
  app.route({
    method: ops.signUp.method,
    url: ops.signUp.path,
    schema: routeSchema(ops.signUp),
    onRequest: guardFor(app, ops.signUp),
    handler: async (req, reply) => {
      const me = await accounts.signUp(req.body as z.output<typeof users.SignUpBody>, req.id);
      return reply.code(201).send(me);
    },
  });
  app.route({
    method: ops.getMe.method,
    url: ops.getMe.path,
    schema: routeSchema(ops.getMe),
    onRequest: guardFor(app, ops.getMe),
    handler: async (req) => accounts.getMe(caller(req).sub),
  });
  app.route({
    method: ops.updateMe.method,
    url: ops.updateMe.path,
    schema: routeSchema(ops.updateMe),
    onRequest: guardFor(app, ops.updateMe),
    handler: async (req) =>
      accounts.updateMe(caller(req).sub, req.body as z.output<typeof users.UpdateMeBody>),
  });
};
