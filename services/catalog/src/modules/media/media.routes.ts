import { CatalogErrors } from "@arte/contracts/catalog.js";
import { failWith } from "@arte/platform";
import type { FastifyPluginAsync } from "fastify";
import { type BlobStore, IMMUTABLE_CACHE, isBlobKey } from "../../blob/blob-store.js";

const fail = failWith(CatalogErrors);

/**
 * `GET /media/<key>`: a stored image, streamed, cacheable forever (a key's content never changes).
 * The gateway serves it publicly at the same path. Unknown or malformed keys are 404.
 */
export const mediaRoutes: FastifyPluginAsync<{ blobs: BlobStore }> = async (app, { blobs }) => {
  app.get<{ Params: { key: string } }>(
    "/media/:key",
    { schema: { hide: true }, logLevel: "warn" },
    async (req, reply) => {
      const { key } = req.params;
      const blob = isBlobKey(key) ? await blobs.get(key) : null;
      if (!blob) throw fail("MEDIA_NOT_FOUND", "No such media");
      return reply
        .header("cache-control", IMMUTABLE_CACHE)
        .header("content-type", blob.contentType)
        .header("content-length", blob.size)
        .header("x-content-type-options", "nosniff")
        .send(blob.body);
    },
  );
};
