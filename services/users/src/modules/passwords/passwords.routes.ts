import { routeSchema, users } from "@arte/contracts";
import { caller } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { guardFor } from "../../lib/routes.js";
import type { PasswordsService } from "./passwords.service.js";

const ops = users.usersOperations;

export const passwordsRoutes: FastifyPluginAsyncZod<{ passwords: PasswordsService }> = async (
  app,
  { passwords },
) => {
  app.route({
    method: ops.changePassword.method,
    url: ops.changePassword.path,
    schema: routeSchema(ops.changePassword),
    onRequest: guardFor(app, ops.changePassword),
    handler: async (req, reply) => {
      const me = caller(req);
      const body = req.body as z.output<typeof users.ChangePasswordBody>;
      await passwords.change({ userId: me.sub, sid: me.sid, ...body });
      return reply.code(204).send();
    },
  });
  app.route({
    method: ops.forgotPassword.method,
    url: ops.forgotPassword.path,
    schema: routeSchema(ops.forgotPassword),
    onRequest: guardFor(app, ops.forgotPassword),
    handler: async (req, reply) => {
      const body = req.body as z.output<typeof users.ForgotPasswordBody>;
      return reply.code(202).send(await passwords.requestReset({ ...body, correlationId: req.id }));
    },
  });
  app.route({
    method: ops.resetPassword.method,
    url: ops.resetPassword.path,
    schema: routeSchema(ops.resetPassword),
    onRequest: guardFor(app, ops.resetPassword),
    handler: async (req, reply) => {
      await passwords.reset(req.body as z.output<typeof users.ResetPasswordBody>);
      return reply.code(204).send();
    },
  });
};
