/** Catalog queries and the watchlist, with their query-key factory. */
import type { ListingSort } from "@arte/contracts/catalog.js";
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";

export type ListingFilters = {
  q?: string;
  medium?: string;
  theme?: string;
  style?: string;
  technique?: string;
  status?: string;
  artistId?: string;
  minPrice?: string;
  maxPrice?: string;
  sort?: ListingSort;
  limit?: number;
};
export type ArtworkPage = Response<"catalog", "listArtworks">;
export type ArtworkListItem = ArtworkPage["items"][number];
export type Artwork = Response<"catalog", "getArtwork">;
export type ReferenceData = Response<"catalog", "getReference">;

export const catalogKeys = {
  all: ["catalog"] as const,
  reference: () => [...catalogKeys.all, "reference"] as const,
  listings: () => [...catalogKeys.all, "listing"] as const,
  listing: (f: ListingFilters) => [...catalogKeys.listings(), f] as const,
  artworks: () => [...catalogKeys.all, "artwork"] as const,
  artwork: (id: string) => [...catalogKeys.artworks(), id] as const,
  artist: (id: string) => [...catalogKeys.all, "artist", id] as const,
  artists: () => [...catalogKeys.all, "artists"] as const,
  watchlist: () => [...catalogKeys.all, "watchlist"] as const,
};

/** The seven media with their facets and labels; it changes only with a deploy. */
export const useReference = () =>
  useQuery({
    queryKey: catalogKeys.reference(),
    queryFn: ({ signal }) => api("catalog", "getReference", { signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });

/** One page of artworks (home rails). */
export const useArtworks = (f: ListingFilters) =>
  useQuery({
    queryKey: catalogKeys.listing(f),
    queryFn: ({ signal }) => api("catalog", "listArtworks", { query: { ...f }, signal }),
  });

/** Cursor-paged artworks (browse): facets and total come with the first page. */
export const useArtworkPages = (f: ListingFilters) =>
  useInfiniteQuery({
    queryKey: [...catalogKeys.listing(f), "pages"],
    queryFn: ({ pageParam, signal }) =>
      api("catalog", "listArtworks", { query: { ...f, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useArtwork = (id: string, signedIn: boolean) =>
  useQuery({
    // `watching` depends on who asks
    queryKey: [...catalogKeys.artwork(id), signedIn],
    queryFn: ({ signal }) => api("catalog", "getArtwork", { params: { id }, signal }),
  });

/** Every artist (the catalogue keeps a few hundred at most), by Korean name. */
export const useArtists = () =>
  useQuery({
    queryKey: catalogKeys.artists(),
    queryFn: ({ signal }) => api("catalog", "listArtists", { signal }),
    staleTime: 5 * 60_000,
  });

/** The artists to feature: most works first, those with a portrait before those without. */
export function featuredArtists<A extends { artworkCount: number; portrait: unknown; nameKo: string }>(
  artists: A[],
  n: number,
): A[] {
  return [...artists]
    .filter((a) => a.artworkCount > 0)
    .sort(
      (a, b) =>
        b.artworkCount - a.artworkCount ||
        Number(Boolean(b.portrait)) - Number(Boolean(a.portrait)) ||
        a.nameKo.localeCompare(b.nameKo, "ko"),
    )
    .slice(0, n);
}

export const useArtist = (id: string) =>
  useQuery({
    queryKey: catalogKeys.artist(id),
    queryFn: ({ signal }) => api("catalog", "getArtist", { params: { id }, signal }),
  });

export const useWatchlist = (enabled = true) =>
  useInfiniteQuery({
    queryKey: catalogKeys.watchlist(),
    queryFn: ({ pageParam, signal }) =>
      api("catalog", "myWatchlist", { query: { limit: 24, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });

/** Watch or stop watching; updates the artwork in the cache and refetches the watchlist. */
export function useWatch() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, watch }: { id: string; watch: boolean }) =>
      api("catalog", watch ? "watchArtwork" : "unwatchArtwork", { params: { id } }),
    onSuccess: (state) => {
      qc.setQueriesData<Artwork>({ queryKey: catalogKeys.artwork(state.artworkId) }, (old) =>
        old ? { ...old, watching: state.watching, watchCount: state.watchCount } : old,
      );
      void qc.invalidateQueries({ queryKey: catalogKeys.watchlist() });
    },
  });
}
