import { auction, routeSchema } from "@arte/contracts";
import { caller } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { guardFor } from "../../lib/routes.js";
import type { BiddingService } from "./bidding.service.js";

const ops = auction.auctionOperations;

export const biddingRoutes: FastifyPluginAsyncZod<{ bidding: BiddingService }> = async (app, { bidding }) => {
  app.route({
    method: ops.placeBid.method,
    url: ops.placeBid.path,
    schema: routeSchema(ops.placeBid),
    onRequest: guardFor(app, ops.placeBid),
    handler: async (req, reply) => {
      const me = caller(req);
      const accepted = await bidding.place({
        lotId: (req.params as { lotId: string }).lotId,
        userId: me.sub,
        emailVerified: me.ev,
        idempotencyKey: (req.headers as { "idempotency-key": string })["idempotency-key"],
        body: req.body as auction.PlaceBidBody,
        correlationId: req.id,
      });
      return reply.code(201).send(accepted);
    },
  });
};
