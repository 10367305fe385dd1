/** A lot's accepted bids by alias (the history service), newest first; the viewer's own marked `you`. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";

export type LotBidsPage = Response<"history", "lotBids">;
export type LotBid = LotBidsPage["items"][number];

export const lotBidsKey = (lotId: string, signedIn: boolean) =>
  ["history", "lot", lotId, "bids", signedIn] as const;
/** Every viewer's variant of a lot's bid list (to refresh them all). */
export const lotBidsPrefix = (lotId: string) => ["history", "lot", lotId, "bids"] as const;

export const useLotBids = (lotId: string | undefined, signedIn: boolean) =>
  useInfiniteQuery({
    queryKey: lotBidsKey(lotId ?? "none", signedIn),
    queryFn: ({ pageParam, signal }) =>
      api("history", "lotBids", {
        params: { lotId: lotId! },
        query: { limit: 10, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: Boolean(lotId),
  });
