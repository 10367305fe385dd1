/** My in-app notifications and their unread count, with their query-key factory. */
import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import type { Response } from "../../lib/operations";

export type NotificationsPage = Response<"notification", "listMyNotifications">;
export type InAppNotification = NotificationsPage["items"][number];

export const notificationKeys = {
  all: ["notification"] as const,
  lists: () => [...notificationKeys.all, "me", "list"] as const,
  list: (unreadOnly: boolean) => [...notificationKeys.lists(), unreadOnly ? "unread" : "all"] as const,
  unreadCount: () => [...notificationKeys.all, "me", "unread-count"] as const,
};

/** How often the header's bell asks for the unread count while signed in. */
export const UNREAD_POLL_MS = 30_000;

/** The unread count, polled while `enabled` (signed in) and the tab is visible. */
export const useUnreadCount = (enabled: boolean) =>
  useQuery({
    queryKey: notificationKeys.unreadCount(),
    queryFn: ({ signal }) => api("notification", "myUnreadNotificationCount", { signal }),
    enabled,
    refetchInterval: enabled ? UNREAD_POLL_MS : false,
    refetchIntervalInBackground: false,
    staleTime: 10_000,
  });

/** My notifications, newest first, cursor-paged. */
export const useNotifications = (unreadOnly = false, enabled = true) =>
  useInfiniteQuery({
    queryKey: notificationKeys.list(unreadOnly),
    queryFn: ({ pageParam, signal }) =>
      api("notification", "listMyNotifications", {
        query: { limit: 20, cursor: pageParam, unread: unreadOnly ? "true" : undefined },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });

/** Marks one notification read: updates it in every cached list, then refreshes the count. */
export function useMarkNotificationRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api("notification", "markNotificationRead", { params: { id } }),
    onSuccess: (updated) => {
      qc.setQueriesData<InfiniteData<NotificationsPage>>({ queryKey: notificationKeys.lists() }, (old) =>
        old
          ? {
              ...old,
              pages: old.pages.map((p) => ({
                ...p,
                items: p.items.map((n) => (n.id === updated.id ? updated : n)),
              })),
            }
          : old,
      );
      void qc.invalidateQueries({ queryKey: notificationKeys.unreadCount() });
    },
  });
}

/** Marks every unread notification read. */
export function useMarkAllNotificationsRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api("notification", "markAllNotificationsRead"),
    onSuccess: () => {
      qc.setQueryData(notificationKeys.unreadCount(), { count: 0 });
      void qc.invalidateQueries({ queryKey: notificationKeys.all });
    },
  });
}
