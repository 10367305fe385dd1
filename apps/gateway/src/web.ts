import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { problem, sendProblem } from "@arte/platform";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

const PUBLIC_FALLBACK = fileURLToPath(new URL("../../web/public", import.meta.url));

/** The web build when it exists, else the placeholder's public/ folder (beside the build's folder). */
export function webRoot(webDist: string): string {
  if (existsSync(join(webDist, "index.html"))) return webDist;
  const beside = join(dirname(webDist), "public");
  return existsSync(join(beside, "index.html")) ? beside : PUBLIC_FALLBACK;
}

/**
 * Serves the web app at `/`: its files, and index.html for any other GET outside `/api` (client-side
 * routes). A missing file with an extension (`/assets/x.js`) is a 404, not index.html.
 */
export async function webPlugin(app: FastifyInstance, opts: { root: string }) {
  await app.register(fastifyStatic, {
    root: opts.root,
    wildcard: false,
    index: ["index.html"],
    cacheControl: true,
    maxAge: 0,
  });
  app.get("/*", { schema: { hide: true } }, (req, reply) => {
    const path = req.url.split("?")[0]!;
    const last = path.slice(path.lastIndexOf("/") + 1);
    if (path === "/api" || path.startsWith("/api/") || last.includes(".")) {
      return sendProblem(reply, problem(req, 404, "NOT_FOUND", `No route for ${req.method} ${path}`));
    }
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}
