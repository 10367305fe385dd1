import { routeSchema } from "@arte/contracts";
import {
  type CreateArtistBody,
  type CreateArtworkBody,
  type ListArtworksQuery,
  catalogOperations as ops,
  type UpdateArtistBody,
  type UpdateArtworkBody,
} from "@arte/contracts/catalog.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { guardFor } from "../../lib/routes.js";
import type { ArtistsService } from "../artists/artists.service.js";
import { type ListingService, REFERENCE } from "../listing/listing.service.js";
import type { WatchlistService } from "../watchlist/watchlist.service.js";
import type { ArtworksService } from "./artworks.service.js";

const tags = ["catalog"];
type Id = { id: string };

/** HTTP adapter only: one service call per route, every shape from the contracts. */
export const catalogRoutes: FastifyPluginAsyncZod<{
  artworks: ArtworksService;
  artists: ArtistsService;
  listing: ListingService;
  watchlist: WatchlistService;
}> = async (app, { artworks, artists, listing, watchlist }) => {
  const route = <O extends (typeof ops)[keyof typeof ops]>(
    op: O,
    handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) =>
    app.route({
      method: op.method,
      url: op.path,
      schema: { ...routeSchema(op), tags },
      onRequest: guardFor(app, op),
      handler: (req, reply) => handler(req, reply),
    });

  route(ops.getReference, async (_req, reply) =>
    reply.header("cache-control", "public, max-age=300").send(REFERENCE),
  );
  route(ops.listArtworks, async (req) => listing.list(req.query as ListArtworksQuery));
  route(ops.getArtwork, async (req) => artworks.get((req.params as Id).id, req.auth?.sub));
  route(ops.listArtists, async () => artists.list());
  route(ops.getArtist, async (req) => artists.page((req.params as Id).id));

  route(ops.myWatchlist, async (req) =>
    watchlist.mine(req.auth!.sub, req.query as { limit: number; cursor?: string }),
  );
  route(ops.watchArtwork, async (req) =>
    watchlist.watch(req.auth!.sub, (req.params as Id).id, String(req.id)),
  );
  route(ops.unwatchArtwork, async (req) =>
    watchlist.unwatch(req.auth!.sub, (req.params as Id).id, String(req.id)),
  );

  route(ops.adminCreateArtist, async (req, reply) =>
    reply.code(201).send(await artists.create(req.body as CreateArtistBody)),
  );
  route(ops.adminUpdateArtist, async (req) =>
    artists.update((req.params as Id).id, req.body as UpdateArtistBody),
  );
  route(ops.adminListArtworks, async (req) =>
    artworks.adminList(req.query as { archived?: "true" | "false"; limit: number; cursor?: string }),
  );
  route(ops.adminGetArtwork, async (req) => artworks.adminGet((req.params as Id).id));
  route(ops.adminCreateArtwork, async (req, reply) =>
    reply.code(201).send(await artworks.create(req.body as CreateArtworkBody, String(req.id))),
  );
  route(ops.adminUpdateArtwork, async (req) =>
    artworks.update((req.params as Id).id, req.body as UpdateArtworkBody, String(req.id)),
  );
  route(ops.adminArchiveArtwork, async (req) =>
    artworks.archive((req.params as Id).id, (req.body as { version: number }).version, String(req.id)),
  );
};
