/** A lot's live state and bids, with their query-key factory. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";
import { noteServerTime } from "../../lib/time";
import { catalogKeys } from "./catalog";

export type PublicLot = Response<"auction", "getLot">;
export type BidAccepted = Response<"auction", "placeBid">;

export const auctionKeys = {
  all: ["auction"] as const,
  lot: (lotId: string) => [...auctionKeys.all, "lot", lotId] as const,
};

/** How often an open lot is polled while the live feed is down. */
export const LOT_POLL_MS = 5_000;

/**
 * The lot as the auction service sees it (with the caller's own standing). Polled while it is open
 * and `poll` is set (the lot page clears it while the live feed is connected); its `serverTime` is
 * a clock reading for countdowns.
 */
export const useLot = (lotId: string | undefined, opts: { poll: boolean }) =>
  useQuery({
    queryKey: auctionKeys.lot(lotId ?? "none"),
    queryFn: async ({ signal }) => {
      const sentAt = Date.now();
      const lot = await api("auction", "getLot", { params: { lotId: lotId! }, signal });
      const serverMs = Date.parse(lot.serverTime);
      if (Number.isFinite(serverMs)) noteServerTime({ serverMs, sentAt, receivedAt: Date.now() });
      return lot;
    },
    enabled: Boolean(lotId),
    refetchInterval: (q) =>
      opts.poll && (q.state.data?.status === "OPEN" || q.state.data?.status === "SCHEDULED")
        ? LOT_POLL_MS
        : false,
    retry: false,
  });

/**
 * The lot after the caller's own accepted bid, shown at once. The version is left as it was: the
 * answer carries no bid count (a proxy answer adds bids too), so the live change or refetch at that
 * version still applies in full. Nothing changes when the cache already holds that version.
 */
export function lotAfterBid(lot: PublicLot, r: BidAccepted): PublicLot {
  if (r.version <= lot.version) return lot;
  return {
    ...lot,
    status: r.status,
    currentPrice: r.price,
    nextMinimum: r.nextMinimum,
    endsAt: r.endsAt,
    leader: r.leading ? { alias: r.alias, you: true } : lot.leader,
    you: {
      alias: r.alias,
      leading: r.leading,
      yourMaximum: r.yourMaximum,
      bidCount: (lot.you?.bidCount ?? 0) + 1,
    },
  };
}

/**
 * Places a bid (optionally with a proxy maximum); the caller supplies the Idempotency-Key of this
 * intent so a retry is the same bid. The answer updates the lot at once; a refetch then settles it.
 */
export function usePlaceBid(artworkId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { lotId: string; amount: number; maxAmount?: number | undefined; key: string }) =>
      api("auction", "placeBid", {
        params: { lotId: v.lotId },
        body: v.maxAmount !== undefined ? { amount: v.amount, maxAmount: v.maxAmount } : { amount: v.amount },
        headers: { "idempotency-key": v.key },
      }),
    onSuccess: (r, v) => {
      qc.setQueryData<PublicLot>(auctionKeys.lot(v.lotId), (old) => (old ? lotAfterBid(old, r) : old));
    },
    onSettled: (_res, _err, v) => {
      void qc.invalidateQueries({ queryKey: auctionKeys.lot(v.lotId) });
      void qc.invalidateQueries({ queryKey: catalogKeys.artwork(artworkId) });
    },
  });
}
