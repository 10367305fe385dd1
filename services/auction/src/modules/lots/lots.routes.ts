import { auction, routeSchema } from "@arte/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { guardFor } from "../../lib/routes.js";
import type { LotsService } from "./lots.service.js";

const ops = auction.auctionOperations;
type LotParams = { lotId: string };

export const lotsRoutes: FastifyPluginAsyncZod<{ lots: LotsService }> = async (app, { lots }) => {
  app.route({
    method: ops.listLots.method,
    url: ops.listLots.path,
    schema: routeSchema(ops.listLots),
    onRequest: guardFor(app, ops.listLots),
    handler: async (req) => lots.list(req.query as z.output<typeof auction.LotListQuery>),
  });
  app.route({
    method: ops.getLot.method,
    url: ops.getLot.path,
    schema: routeSchema(ops.getLot),
    onRequest: guardFor(app, ops.getLot),
    handler: async (req) => lots.get((req.params as LotParams).lotId, req.auth?.sub ?? null),
  });
  app.route({
    method: ops.lotChanges.method,
    url: ops.lotChanges.path,
    schema: routeSchema(ops.lotChanges),
    onRequest: guardFor(app, ops.lotChanges),
    handler: async (req) => {
      const q = req.query as z.output<typeof auction.LotChangesQuery>;
      return lots.changes((req.params as LotParams).lotId, q.sinceVersion, q.limit);
    },
  });
  app.route({
    method: ops.adminCreateLot.method,
    url: ops.adminCreateLot.path,
    schema: routeSchema(ops.adminCreateLot),
    onRequest: guardFor(app, ops.adminCreateLot),
    handler: async (req, reply) =>
      reply.code(201).send(await lots.create(req.body as auction.CreateLotBody, req.id)),
  });
  app.route({
    method: ops.adminGetLot.method,
    url: ops.adminGetLot.path,
    schema: routeSchema(ops.adminGetLot),
    onRequest: guardFor(app, ops.adminGetLot),
    handler: async (req) => lots.adminGet((req.params as LotParams).lotId),
  });
  app.route({
    method: ops.adminUpdateLot.method,
    url: ops.adminUpdateLot.path,
    schema: routeSchema(ops.adminUpdateLot),
    onRequest: guardFor(app, ops.adminUpdateLot),
    handler: async (req) =>
      lots.update((req.params as LotParams).lotId, req.body as auction.UpdateLotBody, req.id),
  });
  app.route({
    method: ops.adminCancelLot.method,
    url: ops.adminCancelLot.path,
    schema: routeSchema(ops.adminCancelLot),
    onRequest: guardFor(app, ops.adminCancelLot),
    handler: async (req) =>
      lots.cancel(
        (req.params as LotParams).lotId,
        (req.body as z.output<typeof auction.CancelLotBody>).reason,
        req.id,
      ),
  });
};
