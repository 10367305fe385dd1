import { routeSchema } from "@arte/contracts";
import { historyOperations, type LotBidsQuery } from "@arte/contracts/history.js";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { BidsService } from "./bids.service.js";

const op = historyOperations.lotBids;

/** HTTP adapter only: public, with the caller read from a token when one is sent. */
export const bidsRoutes: FastifyPluginAsyncZod<{ bids: BidsService }> = async (app, { bids }) => {
  app.route({
    method: op.method,
    url: op.path,
    schema: { ...routeSchema(op), tags: ["history"] },
    onRequest: app.authenticateOptional,
    handler: async (req) =>
      bids.list((req.params as { lotId: string }).lotId, req.query as LotBidsQuery, req.auth?.sub ?? null),
  });
};
