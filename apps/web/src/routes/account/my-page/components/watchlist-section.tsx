import { Box, Button, Center, SimpleGrid, Title } from "@mantine/core";
import { ArtworkCard } from "../../../../components/artwork-card";
import { EmptyState, ErrorState, PageLoader } from "../../../../components/states";
import { useWatchlist } from "../../../../hooks/api/catalog";
import { useI18n } from "../../../../i18n";

export function WatchlistSection() {
  const { t } = useI18n();
  const q = useWatchlist();
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Box component="section" aria-labelledby="watchlist-title" id="watchlist">
      <Title order={2} size="h3" id="watchlist-title" mb="md">
        {t("me.watchlist")}
      </Title>
      {q.isPending && <PageLoader />}
      {q.isError && <ErrorState error={q.error} onRetry={() => void q.refetch()} />}
      {q.isSuccess && items.length === 0 && <EmptyState>{t("me.watchlistEmpty")}</EmptyState>}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xl" verticalSpacing={40} data-testid="watchlist">
        {items.map((a) => (
          <ArtworkCard key={a.id} artwork={a} />
        ))}
      </SimpleGrid>
      {q.hasNextPage && (
        <Center mt="xl">
          <Button variant="default" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
            {t("common.loadMore")}
          </Button>
        </Center>
      )}
    </Box>
  );
}
