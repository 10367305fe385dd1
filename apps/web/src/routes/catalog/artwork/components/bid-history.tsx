import { Badge, Box, Button, Center, Loader, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useMemo } from "react";
import { EmptyState, ErrorState } from "../../../../components/states";
import { useLotBids } from "../../../../hooks/api/lot-bids";
import { TIME_ZONE, useI18n } from "../../../../i18n";
import { ApiError } from "../../../../lib/api-client";
import { useAuth } from "../../../../lib/auth";

/**
 * The lot's accepted bids, newest first, by the bidders' per-lot aliases; the viewer's own marked.
 * Refreshed by the live feed (hooks/api/live.ts) when the bid count changes.
 */
export function BidHistory({ lotId }: { lotId: string }) {
  const { t, won, locale } = useI18n();
  const { user } = useAuth();
  const q = useLotBids(lotId, Boolean(user));
  const time = useMemo(
    () =>
      new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-GB", {
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        timeZone: TIME_ZONE,
      }),
    [locale],
  );
  // No event of the lot has reached the history yet: no bids to show.
  const notYet = q.error instanceof ApiError && q.error.code === "LOT_NOT_FOUND";
  const bids = q.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Box component="section" aria-labelledby="history-title">
      <Title order={2} size="h4" id="history-title" mb="xs">
        {t("lot.history.title")}
      </Title>
      {q.isPending ? (
        <Center py="md" role="status">
          <Loader size="sm" aria-hidden="true" />
          <VisuallyHidden>{t("common.loading")}</VisuallyHidden>
        </Center>
      ) : q.isError && !notYet ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : bids.length === 0 ? (
        <EmptyState>{t("lot.history.empty")}</EmptyState>
      ) : (
        <>
          <Table layout="fixed" verticalSpacing={6} fz="sm" data-testid="bid-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("lot.history.bidder")}</Table.Th>
                <Table.Th ta="right">{t("lot.history.amount")}</Table.Th>
                <Table.Th ta="right">{t("lot.history.time")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {bids.map((b, i) => (
                <Table.Tr
                  key={b.bidId}
                  fw={b.you ? 600 : undefined}
                  bg={b.you ? "var(--mantine-color-default-hover)" : undefined}
                >
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    {b.alias}
                    {b.you && (
                      <Badge ml={6} size="xs" radius={0} variant="outline" color="ink">
                        {t("lot.history.you")}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" style={{ fontVariantNumeric: "tabular-nums" }}>
                    {won(b.amount)}
                    {(b.kind !== "BID" || !b.leading || i === 0) && (
                      <Text size="xs" c="dimmed" fw={400}>
                        {b.kind !== "BID"
                          ? t(`lot.history.kind.${b.kind}`)
                          : !b.leading
                            ? t("lot.history.answered")
                            : t("lot.history.leading")}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" c="dimmed">
                    <time dateTime={b.placedAt}>{time.format(new Date(b.placedAt))}</time>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {q.hasNextPage && (
            <Button
              variant="subtle"
              size="compact-sm"
              mt="xs"
              onClick={() => void q.fetchNextPage()}
              loading={q.isFetchingNextPage}
            >
              {t("common.loadMore")}
            </Button>
          )}
        </>
      )}
    </Box>
  );
}
