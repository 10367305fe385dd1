import { catalog } from "@arte/contracts";
import { AppError, type Bus, callRpc } from "@arte/platform";

/** What the auction needs to know of an artwork before it puts it up for sale. */
export type ArtworkDirectory = {
  status(artworkId: string, correlationId?: string): Promise<{ exists: boolean; archived: boolean }>;
};

/** The catalog service, asked over NATS (`catalog.artwork_status`). */
export function createArtworkDirectory(opts: { bus: Bus; timeoutMs?: number }): ArtworkDirectory {
  return {
    async status(artworkId, correlationId) {
      try {
        return await callRpc(
          opts.bus,
          catalog.ArtworkStatusRpc,
          { artworkId },
          { timeoutMs: opts.timeoutMs ?? 3000, correlationId },
        );
      } catch (err) {
        throw new AppError(
          "CATALOG_UNAVAILABLE",
          503,
          "The catalogue did not answer whether the artwork exists; nothing was scheduled. Try again.",
          { reason: err instanceof Error ? err.message : String(err) },
        );
      }
    },
  };
}
