import { Box, SimpleGrid, Title } from "@mantine/core";
import { ArtworkCard } from "../../../../components/artwork-card";
import { ListStates } from "../../../../components/paged";
import { EmptyState } from "../../../../components/states";
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
      <ListStates
        query={q}
        count={items.length}
        empty={<EmptyState>{t("me.watchlistEmpty")}</EmptyState>}
        more={q}
        moreGap="xl"
      >
        <SimpleGrid
          cols={{ base: 1, xs: 2, md: 4 }}
          spacing="xl"
          verticalSpacing={40}
          data-testid="watchlist"
        >
          {items.map((a) => (
            <ArtworkCard key={a.id} artwork={a} />
          ))}
        </SimpleGrid>
      </ListStates>
    </Box>
  );
}
