import { type IdempotencyHeaders as IdempotencyHeadersSchema, routeSchema, users } from "@arte/contracts";
import { caller, failWith } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { guardFor } from "../../lib/routes.js";
import type { BankAccountService } from "./bank-account.service.js";

const ops = users.usersOperations;
const fail = failWith(users.UserErrors);
type IdempotencyHeaders = z.output<typeof IdempotencyHeadersSchema>;

export const bankAccountRoutes: FastifyPluginAsyncZod<{
  bankAccount: BankAccountService;
  demoEnabled: boolean;
}> = async (app, { bankAccount, demoEnabled }) => {
  /** A disabled demo is a 404 whatever the body says (before validation, after authentication). */
  const demoOnly = async () => {
    if (!demoEnabled) throw fail("DEMO_DISABLED", "Demo bank accounts are not available here");
  };

  app.route({
    method: ops.getMyBankAccount.method,
    url: ops.getMyBankAccount.path,
    schema: routeSchema(ops.getMyBankAccount),
    onRequest: guardFor(app, ops.getMyBankAccount),
    handler: async (req) => bankAccount.get(caller(req).sub, req.id),
  });
  app.route({
    method: ops.linkBankAccount.method,
    url: ops.linkBankAccount.path,
    schema: routeSchema(ops.linkBankAccount),
    onRequest: guardFor(app, ops.linkBankAccount),
    handler: async (req, reply) => {
      const view = await bankAccount.link(
        caller(req).sub,
        req.body as z.output<typeof users.LinkBankAccountBody>,
        req.id,
      );
      return reply.code(201).send(view);
    },
  });
  app.route({
    method: ops.unlinkBankAccount.method,
    url: ops.unlinkBankAccount.path,
    schema: routeSchema(ops.unlinkBankAccount),
    onRequest: guardFor(app, ops.unlinkBankAccount),
    handler: async (req, reply) => {
      await bankAccount.unlink(caller(req).sub, req.id);
      return reply.code(204).send();
    },
  });
  app.route({
    method: ops.myBankStatement.method,
    url: ops.myBankStatement.path,
    schema: routeSchema(ops.myBankStatement),
    onRequest: guardFor(app, ops.myBankStatement),
    handler: async (req) =>
      bankAccount.statement(caller(req).sub, req.query as z.output<typeof users.StatementQuery>, req.id),
  });
  app.route({
    method: ops.openDemoBankAccount.method,
    url: ops.openDemoBankAccount.path,
    schema: routeSchema(ops.openDemoBankAccount),
    onRequest: guardFor(app, ops.openDemoBankAccount),
    preValidation: demoOnly,
    handler: async (req, reply) => {
      const { pin } = req.body as z.output<typeof users.OpenDemoAccountBody>;
      const key = (req.headers as IdempotencyHeaders)["idempotency-key"];
      const view = await bankAccount.openDemo(caller(req).sub, pin, key, req.id);
      return reply.code(201).send(view);
    },
  });
  app.route({
    method: ops.topUpBankAccount.method,
    url: ops.topUpBankAccount.path,
    schema: routeSchema(ops.topUpBankAccount),
    onRequest: guardFor(app, ops.topUpBankAccount),
    preValidation: demoOnly,
    handler: async (req) => {
      const { amount } = req.body as z.output<typeof users.TopUpBody>;
      const key = (req.headers as IdempotencyHeaders)["idempotency-key"];
      return bankAccount.topUp(caller(req).sub, amount, key, req.id);
    },
  });
};
