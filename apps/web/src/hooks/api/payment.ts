/** My purchases (invoices of the lots I won), with their query-key factory. */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useI18n } from "../../i18n";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";
import { catalogKeys } from "./catalog";

export type PurchasesPage = Response<"payment", "myPurchases">;
export type Invoice = Response<"payment", "myInvoice">;

export const paymentKeys = {
  all: ["payment"] as const,
  purchases: () => [...paymentKeys.all, "me", "purchases"] as const,
  invoice: (id: string) => [...paymentKeys.all, "me", "invoice", id] as const,
};

/** My invoices, newest first, cursor-paged. */
export const useMyPurchases = (enabled = true) =>
  useInfiniteQuery({
    queryKey: paymentKeys.purchases(),
    queryFn: ({ pageParam, signal }) =>
      api("payment", "myPurchases", { query: { limit: 20, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });

/** One of my invoices (another user's answers 404 INVOICE_NOT_FOUND). */
export const useMyInvoice = (id: string) =>
  useQuery({
    queryKey: paymentKeys.invoice(id),
    queryFn: ({ signal }) => api("payment", "myInvoice", { params: { id }, signal }),
  });

/**
 * The title, artist and image of the artwork an invoice is for, from the catalog (an invoice names only
 * the artwork's id). Shares the artwork page's cache entry; nulls while unknown or when it cannot be read.
 */
export function useInvoiceArtwork(artworkId: string) {
  const { label } = useI18n();
  const q = useQuery({
    queryKey: [...catalogKeys.artwork(artworkId), true],
    queryFn: ({ signal }) => api("catalog", "getArtwork", { params: { id: artworkId }, signal }),
    enabled: artworkId !== "",
    staleTime: 60_000,
  });
  const a = q.data;
  return {
    title: a ? label({ ko: a.titleKo, en: a.titleEn }) : null,
    artist: a ? label({ ko: a.artist.nameKo, en: a.artist.nameEn }) : null,
    image: a?.primaryImage ?? null,
  };
}
