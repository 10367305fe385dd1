import { catalog } from "@arte/contracts";
import { type Bus, type Logger, serveRpc } from "@arte/platform";
import type { Kysely } from "kysely";
import type { CatalogDb } from "../../db/schema.js";

/** Answers `catalog.artwork_status`: whether an artwork exists and is not archived (for lot scheduling). */
export function serveArtworkStatus(deps: { db: Kysely<CatalogDb>; bus: Bus; log: Logger }) {
  return serveRpc(deps.bus, catalog.ArtworkStatusRpc, { queue: "catalog", log: deps.log }, async (req) => {
    const row = await deps.db
      .selectFrom("artwork")
      .select("archived_at")
      .where("id", "=", req.artworkId)
      .executeTakeFirst();
    return { exists: Boolean(row), archived: Boolean(row?.archived_at) };
  });
}
