/**
 * The auction house's back office: catalog (artists, artworks, images), lot scheduling, payments and
 * the bid audit, with one query-key factory under ["admin"] so a change refreshes what it touches.
 */

import type { CreateLotBody, LotStatus, UpdateLotBody } from "@arte/contracts/auction.js";
import type {
  CreateArtistBody,
  CreateArtworkBody,
  UpdateArtistBody,
  UpdateArtworkBody,
} from "@arte/contracts/catalog.js";
import type { BidOutcome } from "@arte/contracts/history.js";
import type { InvoiceStatus, RefundBody } from "@arte/contracts/payment.js";
import {
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";
import { uploadFiles } from "./admin-upload";
import { catalogKeys } from "./catalog";

export type AdminArtist = Response<"catalog", "listArtists">["items"][number];
export type AdminArtwork = Response<"catalog", "adminGetArtwork">;
export type AdminImage = AdminArtwork["images"][number];
export type PublicLot = Response<"auction", "listLots">["items"][number];
export type AdminLot = Response<"auction", "adminGetLot">;
export type AdminInvoice = Response<"payment", "adminListInvoices">["items"][number];
export type AdminInvoiceDetail = Response<"payment", "adminGetInvoice">;
export type DailyTotals = Response<"payment", "adminDailyTotals">;
export type BidAttempt = Response<"history", "adminBidAttempts">["items"][number];

export type InvoiceFilters = { status?: InvoiceStatus; from?: string; to?: string };
export type BidAttemptFilters = {
  lotId?: string;
  userId?: string;
  outcome?: BidOutcome;
  from?: string;
  to?: string;
};

export const adminKeys = {
  all: ["admin"] as const,
  artists: () => [...adminKeys.all, "artists"] as const,
  artworks: () => [...adminKeys.all, "artworks"] as const,
  artworkList: (archived?: string) => [...adminKeys.artworks(), "list", archived ?? "all"] as const,
  artwork: (id: string) => [...adminKeys.artworks(), "one", id] as const,
  lots: () => [...adminKeys.all, "lots"] as const,
  lotList: (status?: LotStatus) => [...adminKeys.lots(), "list", status ?? "all"] as const,
  lot: (id: string) => [...adminKeys.lots(), "one", id] as const,
  invoices: () => [...adminKeys.all, "invoices"] as const,
  invoiceList: (f: InvoiceFilters) => [...adminKeys.invoices(), "list", f] as const,
  invoice: (id: string) => [...adminKeys.invoices(), "one", id] as const,
  dailyTotals: (day: string) => [...adminKeys.invoices(), "daily", day] as const,
  todayInvoices: (from: string) => [...adminKeys.invoices(), "today", from] as const,
  failedCount: () => [...adminKeys.invoices(), "failed-count"] as const,
  bidAttempts: (f: BidAttemptFilters) => [...adminKeys.all, "bid-attempts", f] as const,
};

const pages = { initialPageParam: undefined as string | undefined };
const next = (last: { nextCursor: string | null }) => last.nextCursor ?? undefined;

// ---- artists ----

export const useAdminArtists = () =>
  useQuery({
    queryKey: adminKeys.artists(),
    queryFn: ({ signal }) => api("catalog", "listArtists", { signal }).then((r) => r.items),
  });

function refreshCatalog(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: adminKeys.artworks() });
  void qc.invalidateQueries({ queryKey: adminKeys.artists() });
  void qc.invalidateQueries({ queryKey: catalogKeys.all });
}

export function useSaveArtist() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: string; body: CreateArtistBody | UpdateArtistBody }) =>
      v.id
        ? api("catalog", "adminUpdateArtist", { params: { id: v.id }, body: v.body as UpdateArtistBody })
        : api("catalog", "adminCreateArtist", { body: v.body as CreateArtistBody }),
    onSuccess: () => refreshCatalog(qc),
  });
}

export function useUploadPortrait() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; file: File }) => uploadFiles("adminUploadPortrait", v.id, [v.file]),
    onSuccess: () => refreshCatalog(qc),
  });
}

// ---- artworks and images ----

export const useAdminArtworks = (archived?: "true" | "false") =>
  useInfiniteQuery({
    queryKey: adminKeys.artworkList(archived),
    queryFn: ({ pageParam, signal }) =>
      api("catalog", "adminListArtworks", { query: { archived, limit: 24, cursor: pageParam }, signal }),
    ...pages,
    getNextPageParam: next,
    placeholderData: keepPreviousData,
  });

export const useAdminArtwork = (id: string | undefined) =>
  useQuery({
    queryKey: adminKeys.artwork(id ?? ""),
    queryFn: ({ signal }) => api("catalog", "adminGetArtwork", { params: { id: id! }, signal }),
    enabled: !!id,
  });

function useArtworkMutation<V>(fn: (v: V) => Promise<AdminArtwork>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (a) => {
      qc.setQueryData(adminKeys.artwork(a.id), a);
      refreshCatalog(qc);
    },
  });
}

export const useCreateArtwork = () =>
  useArtworkMutation((body: CreateArtworkBody) => api("catalog", "adminCreateArtwork", { body }));
export const useUpdateArtwork = () =>
  useArtworkMutation((v: { id: string; body: UpdateArtworkBody }) =>
    api("catalog", "adminUpdateArtwork", { params: { id: v.id }, body: v.body }),
  );
export const useArchiveArtwork = () =>
  useArtworkMutation((v: { id: string; version: number }) =>
    api("catalog", "adminArchiveArtwork", { params: { id: v.id }, body: { version: v.version } }),
  );

/** Image changes answer the artwork's new image list: it replaces the cached one. */
function useImageMutation<V extends { id: string }>(fn: (v: V) => Promise<{ images: AdminImage[] }>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (r, v) => {
      qc.setQueryData<AdminArtwork>(adminKeys.artwork(v.id), (a) => (a ? { ...a, images: r.images } : a));
      void qc.invalidateQueries({ queryKey: adminKeys.artwork(v.id) });
      void qc.invalidateQueries({ queryKey: adminKeys.artworkList() });
      void qc.invalidateQueries({ queryKey: catalogKeys.all });
    },
  });
}

export const useUploadImages = () =>
  useImageMutation((v: { id: string; files: File[] }) => uploadFiles("adminUploadImages", v.id, v.files));
export const useReorderImages = () =>
  useImageMutation((v: { id: string; imageIds: string[] }) =>
    api("catalog", "adminReorderImages", { params: { id: v.id }, body: { imageIds: v.imageIds } }),
  );
export const useSetPrimaryImage = () =>
  useImageMutation((v: { id: string; imageId: string }) =>
    api("catalog", "adminSetPrimaryImage", { params: { id: v.id, imageId: v.imageId } }),
  );
export const useDeleteImage = () =>
  useImageMutation((v: { id: string; imageId: string }) =>
    api("catalog", "adminDeleteImage", { params: { id: v.id, imageId: v.imageId } }),
  );

// ---- lots ----

export const useLots = (status?: LotStatus, opts: { refetchMs?: number; limit?: number } = {}) =>
  useInfiniteQuery({
    queryKey: [...adminKeys.lotList(status), opts.limit ?? 20],
    queryFn: ({ pageParam, signal }) =>
      api("auction", "listLots", { query: { status, limit: opts.limit ?? 20, cursor: pageParam }, signal }),
    ...pages,
    getNextPageParam: next,
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchMs,
  });

export const useAdminLot = (lotId: string | undefined) =>
  useQuery({
    queryKey: adminKeys.lot(lotId ?? ""),
    queryFn: ({ signal }) => api("auction", "adminGetLot", { params: { lotId: lotId! }, signal }),
    enabled: !!lotId,
  });

function useLotMutation<V>(fn: (v: V) => Promise<AdminLot>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (lot) => {
      qc.setQueryData(adminKeys.lot(lot.lotId), lot);
      void qc.invalidateQueries({ queryKey: adminKeys.lots() });
      void qc.invalidateQueries({ queryKey: adminKeys.artworks() });
      void qc.invalidateQueries({ queryKey: catalogKeys.all });
    },
  });
}

export const useCreateLot = () =>
  useLotMutation((body: CreateLotBody) => api("auction", "adminCreateLot", { body }));
export const useUpdateLot = () =>
  useLotMutation((v: { lotId: string; body: UpdateLotBody }) =>
    api("auction", "adminUpdateLot", { params: { lotId: v.lotId }, body: v.body }),
  );
export const useCancelLot = () =>
  useLotMutation((v: { lotId: string; reason: string }) =>
    api("auction", "adminCancelLot", { params: { lotId: v.lotId }, body: { reason: v.reason } }),
  );

// ---- payments ----

export const useAdminInvoices = (f: InvoiceFilters) =>
  useInfiniteQuery({
    queryKey: adminKeys.invoiceList(f),
    queryFn: ({ pageParam, signal }) =>
      api("payment", "adminListInvoices", { query: { ...f, limit: 20, cursor: pageParam }, signal }),
    ...pages,
    getNextPageParam: next,
    placeholderData: keepPreviousData,
  });

export const useAdminInvoice = (id: string | undefined) =>
  useQuery({
    queryKey: adminKeys.invoice(id ?? ""),
    queryFn: ({ signal }) => api("payment", "adminGetInvoice", { params: { id: id! }, signal }),
    enabled: !!id,
  });

function useInvoiceMutation<V extends { id: string }, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: (_r, _e, v) => {
      void qc.invalidateQueries({ queryKey: adminKeys.invoice(v.id) });
      void qc.invalidateQueries({ queryKey: adminKeys.invoices() });
    },
  });
}

export const useRetryInvoice = () =>
  useInvoiceMutation((v: { id: string }) => api("payment", "adminRetryInvoice", { params: { id: v.id } }));
export const useOfferRunnerUp = () =>
  useInvoiceMutation((v: { id: string }) => api("payment", "adminOfferRunnerUp", { params: { id: v.id } }));
/** One refund intent = one Idempotency-Key: a retry of the same intent sends the same key. */
export const useRefundInvoice = () =>
  useInvoiceMutation((v: { id: string; body: RefundBody; key: string }) =>
    api("payment", "adminRefundInvoice", {
      params: { id: v.id },
      body: v.body,
      headers: { "idempotency-key": v.key },
    }),
  );

/** One Seoul day's paid and refunded totals. */
export const useDailyTotals = (day: string) =>
  useQuery({
    queryKey: adminKeys.dailyTotals(day),
    queryFn: ({ signal }) =>
      api("payment", "adminDailyTotals", { query: { from: day, to: day, tz: "Asia/Seoul" }, signal }),
    refetchInterval: 60_000,
  });

const MAX_PAGES = 10;

/**
 * Invoices issued in [from, to): their count and sum. The list has no totals, so this pages through
 * it (100 a page, at most 10 pages; `capped` when there were more).
 */
export const useInvoicesIssued = (from: string, to: string) =>
  useQuery({
    queryKey: [...adminKeys.todayInvoices(from), to],
    queryFn: async ({ signal }) => {
      let count = 0;
      let sum = 0;
      let cursor: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const p = await api("payment", "adminListInvoices", {
          query: { from, to, limit: 100, cursor },
          signal,
        });
        count += p.items.length;
        for (const inv of p.items) sum += inv.total;
        cursor = p.nextCursor ?? undefined;
        if (!cursor) return { count, sum, capped: false };
      }
      return { count, sum, capped: true };
    },
    refetchInterval: 60_000,
  });

/** How many payments failed and await an admin (up to 100, `more` past that). */
export const useFailedPayments = () =>
  useQuery({
    queryKey: adminKeys.failedCount(),
    queryFn: async ({ signal }) => {
      const p = await api("payment", "adminListInvoices", {
        query: { status: "PAYMENT_FAILED", limit: 100 },
        signal,
      });
      return { count: p.items.length, more: p.nextCursor !== null };
    },
    refetchInterval: 60_000,
  });

// ---- bid audit ----

export const useBidAttempts = (f: BidAttemptFilters) =>
  useInfiniteQuery({
    queryKey: adminKeys.bidAttempts(f),
    queryFn: ({ pageParam, signal }) =>
      api("history", "adminBidAttempts", { query: { ...f, limit: 50, cursor: pageParam }, signal }),
    ...pages,
    getNextPageParam: next,
    placeholderData: keepPreviousData,
  });
