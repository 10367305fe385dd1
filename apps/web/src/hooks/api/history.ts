/** My bids (the history service's projection of the lots I bid on), with their query-key factory. */
import type { MyBidState } from "@arte/contracts/history.js";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";

export type MyBidsPage = Response<"history", "myBids">;
export type MyBid = MyBidsPage["items"][number];

export const historyKeys = {
  all: ["history"] as const,
  myBids: (state?: MyBidState) => [...historyKeys.all, "me", "bids", state ?? "all"] as const,
};

/** The lots I bid on, most recent first, cursor-paged (optionally one state only). */
export const useMyBids = (state?: MyBidState, enabled = true) =>
  useInfiniteQuery({
    queryKey: historyKeys.myBids(state),
    queryFn: ({ pageParam, signal }) =>
      api("history", "myBids", { query: { state, limit: 20, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
