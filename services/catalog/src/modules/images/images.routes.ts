import { routeSchema } from "@arte/contracts";
import { CatalogErrors, catalogOperations as ops } from "@arte/contracts/catalog.js";
import { failWith } from "@arte/platform";
import multipart from "@fastify/multipart";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ArtistsService } from "../artists/artists.service.js";
import type { ImagesService } from "./images.service.js";
import { readFiles } from "./multipart.js";

const tags = ["catalog"];
const fail = failWith(CatalogErrors);

/** HTTP adapter only: uploads (multipart), order, primary, delete; the artist portrait. */
export const imagesRoutes: FastifyPluginAsyncZod<{
  images: ImagesService;
  artists: ArtistsService;
  maxImages: number;
  maxImageBytes: number;
}> = async (app, { images, artists, maxImages, maxImageBytes }) => {
  // Multipart is parsed only in this plugin's routes; files are limited per part, not by bodyLimit.
  await app.register(multipart, { limits: { fileSize: maxImageBytes, files: maxImages } });
  const admin = app.requireRole("ADMIN");

  const upload = ops.adminUploadImages;
  app.route({
    method: upload.method,
    url: upload.path,
    schema: { ...routeSchema(upload), tags, consumes: ["multipart/form-data"] },
    onRequest: admin,
    handler: async (req, reply) => {
      const { id } = req.params as { id: string };
      const files = await readFiles(req, { maxFiles: maxImages, maxBytes: maxImageBytes });
      return reply.code(201).send(await images.upload(id, files));
    },
  });

  const portrait = ops.adminUploadPortrait;
  app.route({
    method: portrait.method,
    url: portrait.path,
    schema: { ...routeSchema(portrait), tags, consumes: ["multipart/form-data"] },
    onRequest: admin,
    handler: async (req) => {
      const { id } = req.params as { id: string };
      const files = await readFiles(req, { maxFiles: 1, maxBytes: maxImageBytes });
      if (files.length === 0) throw fail("NO_FILES", "Send one image file");
      return artists.setPortrait(id, files[0]!);
    },
  });

  const reorder = ops.adminReorderImages;
  app.route({
    method: reorder.method,
    url: reorder.path,
    schema: { ...routeSchema(reorder), tags },
    onRequest: admin,
    handler: async (req) => {
      const { id } = req.params as { id: string };
      return images.reorder(id, (req.body as { imageIds: string[] }).imageIds);
    },
  });

  const primary = ops.adminSetPrimaryImage;
  app.route({
    method: primary.method,
    url: primary.path,
    schema: { ...routeSchema(primary), tags },
    onRequest: admin,
    handler: async (req) => {
      const { id, imageId } = req.params as { id: string; imageId: string };
      return images.setPrimary(id, imageId);
    },
  });

  const del = ops.adminDeleteImage;
  app.route({
    method: del.method,
    url: del.path,
    schema: { ...routeSchema(del), tags },
    onRequest: admin,
    handler: async (req) => {
      const { id, imageId } = req.params as { id: string; imageId: string };
      return images.remove(id, imageId);
    },
  });
};
