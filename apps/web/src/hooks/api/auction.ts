/** A lot's live state and quick bids, with their query-key factory. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";
import { catalogKeys } from "./catalog";

export type PublicLot = Response<"auction", "getLot">;
export type BidAccepted = Response<"auction", "placeBid">;

export const auctionKeys = {
  all: ["auction"] as const,
  lot: (lotId: string) => [...auctionKeys.all, "lot", lotId] as const,
};

/** The lot as the auction service sees it; polled while it is open (the live feed comes later). */
export const useLot = (lotId: string | undefined, open: boolean) =>
  useQuery({
    queryKey: auctionKeys.lot(lotId ?? "none"),
    queryFn: ({ signal }) => api("auction", "getLot", { params: { lotId: lotId! }, signal }),
    enabled: Boolean(lotId),
    refetchInterval: open ? 5_000 : false,
    retry: false,
  });

/** Places a bid; the caller supplies the Idempotency-Key of this intent so a retry is the same bid. */
export function usePlaceBid(artworkId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { lotId: string; amount: number; key: string }) =>
      api("auction", "placeBid", {
        params: { lotId: v.lotId },
        body: { amount: v.amount },
        headers: { "idempotency-key": v.key },
      }),
    onSettled: (_res, _err, v) => {
      void qc.invalidateQueries({ queryKey: auctionKeys.lot(v.lotId) });
      void qc.invalidateQueries({ queryKey: catalogKeys.artwork(artworkId) });
    },
  });
}
