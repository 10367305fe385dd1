import { routeSchema } from "@arte/contracts";
import { historyOperations, type MyBidsQuery } from "@arte/contracts/history.js";
import { caller } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { MyBidsService } from "./mybids.service.js";

const op = historyOperations.myBids;

/** HTTP adapter only: the signed-in user's own bids. */
export const myBidsRoutes: FastifyPluginAsyncZod<{ myBids: MyBidsService }> = async (app, { myBids }) => {
  app.route({
    method: op.method,
    url: op.path,
    schema: { ...routeSchema(op), tags: ["history"] },
    onRequest: app.authenticate,
    handler: async (req) => myBids.list(caller(req).sub, req.query as MyBidsQuery),
  });
};
