import { Alert, Button, Group, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { AuctionTiming, StatusBadge } from "../../../../components/artwork-card";
import { useLot, usePlaceBid } from "../../../../hooks/api/auction";
import type { Artwork } from "../../../../hooks/api/catalog";
import { useI18n } from "../../../../i18n";
import { ApiError, newIdempotencyKey } from "../../../../lib/api-client";
import { useAuth } from "../../../../lib/auth";

/**
 * The live state from the catalog's listing read model, refined by the auction service's lot when it
 * answers; a quick bid of the next minimum with a confirmation. One Idempotency-Key per intent: a retry
 * after a network error is the same bid, a new amount is a new key.
 */
export function BidPanel({ artwork }: { artwork: Artwork }) {
  const { t, te, won } = useI18n();
  const { user } = useAuth();
  const location = useLocation();
  const state = artwork.auction;
  const open = state?.status === "OPEN";
  const lot = useLot(state?.lotId, open);
  const bid = usePlaceBid(artwork.id);
  const [confirming, { open: ask, close }] = useDisclosure(false);
  const intent = useRef<{ amount: number; key: string } | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  if (!state)
    return (
      <Paper withBorder p="lg" radius={0}>
        <Text c="dimmed">{t("bid.notScheduled")}</Text>
      </Paper>
    );

  const live = lot.data;
  const price = live?.currentPrice ?? state.currentPrice;
  const bidCount = live?.bidCount ?? state.bidCount;
  const nextMinimum = live?.nextMinimum;
  const lotUnavailable = lot.isError;

  const place = () => {
    if (!nextMinimum) return;
    if (!intent.current || intent.current.amount !== nextMinimum)
      intent.current = { amount: nextMinimum, key: newIdempotencyKey() };
    const { amount, key } = intent.current;
    bid.mutate(
      { lotId: state.lotId, amount, key },
      {
        onSuccess: (r) => {
          intent.current = null;
          close();
          const msg = r.leading ? t("bid.placed") : t("bid.outbidAtOnce");
          setOutcome(msg);
          notifications.show({ message: msg, color: r.leading ? "green" : "orange" });
        },
        onError: (err) => {
          // A refusal ends this intent; a network failure keeps its key for the retry.
          if (err instanceof ApiError && err.status > 0 && err.status < 500) intent.current = null;
        },
      },
    );
  };

  return (
    <Paper withBorder p="lg" radius={0} component="section" aria-labelledby="bid-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="bid-title">
            {t("bid.title")}
          </Title>
          <StatusBadge status={live?.status ?? state.status} />
        </Group>
        <div>
          <Text size="sm" c="dimmed">
            {bidCount > 0 ? t("artwork.currentPrice") : t("artwork.startPrice")}
          </Text>
          <Text fz={32} fw={600} className="arte-display" data-testid="current-price">
            {won(price)}
          </Text>
          <Text size="sm" c="dimmed">
            {t("artwork.bids", { n: bidCount })}
          </Text>
        </div>
        <AuctionTiming auction={state} />
        {live?.leader && (
          <Text size="sm">
            {live.leader.you ? t("bid.leading") : t("bid.leader", { alias: live.leader.alias })}
          </Text>
        )}
        {live?.hasReserve && (
          <Text size="sm" c="dimmed">
            {live.reserveMet ? t("bid.reserveMet") : t("bid.reserveNotMet")}
          </Text>
        )}
        {open &&
          (lotUnavailable || !live ? (
            <Text c="dimmed" size="sm" role="status">
              {lot.isPending ? t("common.loading") : t("bid.opensSoon")}
            </Text>
          ) : !user ? (
            <Button component={Link} to={`/login?next=${encodeURIComponent(location.pathname)}`} size="md">
              {t("bid.loginToBid")}
            </Button>
          ) : (
            <>
              <Text size="sm">
                {t("bid.nextMinimum")}: <strong>{won(live.nextMinimum)}</strong>
              </Text>
              <Button size="md" onClick={ask} disabled={live.leader?.you === true}>
                {t("bid.quick", { amount: won(live.nextMinimum) })}
              </Button>
              {live.softCloseSeconds > 0 && (
                <Text size="xs" c="dimmed">
                  {t("bid.softClose", { s: live.softCloseSeconds })}
                </Text>
              )}
            </>
          ))}
        {outcome && (
          <Text size="sm" role="status">
            {outcome}
          </Text>
        )}
        {bid.isError && (
          <Alert color="red" role="alert">
            {te(bid.error)}
            {bid.error instanceof ApiError && bid.error.code === "NO_LINKED_ACCOUNT" && (
              <>
                {" "}
                <Link to="/me">{t("bid.needAccount")}</Link>
              </>
            )}
          </Alert>
        )}
      </Stack>
      <Modal opened={confirming} onClose={close} title={t("bid.confirmTitle")} centered>
        <Stack>
          <Text>
            {t("bid.confirmBody", {
              amount: won(nextMinimum ?? price),
              premium: ((live?.premiumBps ?? 0) / 100).toFixed(1),
            })}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("common.cancel")}
            </Button>
            <Button onClick={place} loading={bid.isPending}>
              {t("common.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
