import { routeSchema, users } from "@arte/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { guardFor } from "../../lib/routes.js";
import type { VerificationService } from "./verification.service.js";

const ops = users.usersOperations;

export const verificationRoutes: FastifyPluginAsyncZod<{ verification: VerificationService }> = async (
  app,
  { verification },
) => {
  app.route({
    method: ops.requestEmailCode.method,
    url: ops.requestEmailCode.path,
    schema: routeSchema(ops.requestEmailCode),
    onRequest: guardFor(app, ops.requestEmailCode),
    handler: async (req, reply) => {
      const body = req.body as z.output<typeof users.RequestEmailCodeBody>;
      const res = await verification.requestCode({ ...body, correlationId: req.id });
      return reply.code(202).send(res);
    },
  });
  app.route({
    method: ops.confirmEmailCode.method,
    url: ops.confirmEmailCode.path,
    schema: routeSchema(ops.confirmEmailCode),
    onRequest: guardFor(app, ops.confirmEmailCode),
    handler: async (req) => verification.confirm(req.body as z.output<typeof users.ConfirmEmailCodeBody>),
  });
};
