import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api-client";

/** Retries only what may pass next time: network trouble and 5xx, never a 4xx answer. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
    },
    mutations: { retry: false },
  },
});
