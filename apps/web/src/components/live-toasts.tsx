/**
 * Toasts for the signed-in user's personal live messages (outbid, won, lost) on any page. The live
 * client is loaded on demand (its own chunk, shared with the lot page), so the shell stays small and
 * anonymous visitors never open a socket from here.
 */
import { Anchor, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { type NavigateFunction, useNavigate } from "react-router";
import { auctionKeys, type PublicLot } from "../hooks/api/auction";
import { type Artwork, catalogKeys } from "../hooks/api/catalog";
import { notificationKeys } from "../hooks/api/notification";
import { type I18n, useI18n } from "../i18n";
import { api } from "../lib/api-client";
import { useAuth } from "../lib/auth";
import type { LivePersonalMessage } from "../lib/live";

/** The lot's artwork id and title, from the cache when the lot was seen, else asked of the auction service. */
async function describe(qc: QueryClient, lotId: string, i18n: I18n) {
  const lot =
    qc.getQueryData<PublicLot>(auctionKeys.lot(lotId)) ??
    (await qc
      .fetchQuery({
        queryKey: auctionKeys.lot(lotId),
        queryFn: ({ signal }) => api("auction", "getLot", { params: { lotId }, signal }),
      })
      .catch(() => null));
  if (!lot) return { artworkId: null, title: i18n.t("lot.toast.lotFallback") };
  const artwork = qc
    .getQueriesData<Artwork>({ queryKey: catalogKeys.artwork(lot.artworkId) })
    .map(([, a]) => a)
    .find((a) => a !== undefined);
  return {
    artworkId: lot.artworkId,
    title: artwork
      ? i18n.label({ ko: artwork.titleKo, en: artwork.titleEn })
      : i18n.t("lot.toast.lotFallback"),
  };
}

async function show(m: LivePersonalMessage, qc: QueryClient, i18n: I18n, navigate: NavigateFunction) {
  // The viewer's standing changed: the lot and the history (my bids) are refetched where shown.
  void qc.invalidateQueries({ queryKey: auctionKeys.lot(m.lotId) });
  void qc.invalidateQueries({ queryKey: ["history"] });
  // The in-app notification is written by the notification service from the same event, a moment
  // later: the bell's count and the list are refreshed now and once more shortly after.
  const refreshInbox = () => void qc.invalidateQueries({ queryKey: notificationKeys.all });
  refreshInbox();
  setTimeout(refreshInbox, 2_000);
  const { t, won } = i18n;
  const { artworkId, title } = await describe(qc, m.lotId, i18n);
  const id = `live-${m.kind}-${m.lotId}-${m.version}`;
  let heading: string;
  let body: string;
  let color: string;
  if (m.kind === "outbid") {
    heading = t("lot.toast.outbid.title");
    body = t("lot.toast.outbid.body", { title, price: won(m.currentPrice), next: won(m.nextMinimum) });
    color = "orange";
  } else if (m.kind === "won") {
    heading = t("lot.toast.won.title");
    body =
      m.premium !== undefined
        ? t("lot.toast.won.bodyPremium", { title, price: won(m.hammerPrice), premium: won(m.premium) })
        : t("lot.toast.won.body", { title, price: won(m.hammerPrice) });
    color = "green";
  } else {
    heading = t("lot.toast.lost.title");
    body = t(`lot.toast.lost.${m.reason}`, { title, price: won(m.currentPrice) });
    color = "gray";
  }
  const path = artworkId ? `/artworks/${artworkId}` : null;
  notifications.show({
    id,
    title: heading,
    color,
    autoClose: m.kind === "outbid" ? 12_000 : 20_000,
    message: (
      <Stack gap={4} align="flex-start">
        <Text size="sm">{body}</Text>
        {path && window.location.pathname !== path && (
          <Anchor
            component="button"
            type="button"
            size="sm"
            fw={600}
            onClick={() => {
              notifications.hide(id);
              navigate(path);
            }}
          >
            {t("lot.toast.view")}
          </Anchor>
        )}
      </Stack>
    ),
  });
}

export function LiveToasts() {
  const { user } = useAuth();
  const i18n = useI18n();
  const qc = useQueryClient();
  const navigate = useNavigate();
  // The latest language and router without re-subscribing on every change.
  const latest = useRef({ i18n, navigate });
  latest.current = { i18n, navigate };
  const userId = user?.id;

  useEffect(() => {
    if (!userId) return;
    let off: (() => void) | null = null;
    let cancelled = false;
    void import("../lib/live")
      .then(({ live }) => {
        if (cancelled) return;
        off = live().onPersonal((m) => void show(m, qc, latest.current.i18n, latest.current.navigate));
      })
      .catch(() => {
        // the chunk did not load (offline): no toasts until the next sign-in or reload
      });
    return () => {
      cancelled = true;
      off?.();
    };
  }, [userId, qc]);

  return null;
}
