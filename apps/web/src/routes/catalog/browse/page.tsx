import {
  Box,
  Button,
  Center,
  Collapse,
  Container,
  Grid,
  Group,
  NativeSelect,
  SimpleGrid,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { ArtworkCard } from "../../../components/artwork-card";
import { SearchIcon } from "../../../components/icons";
import { EmptyState, ErrorState, PageLoader } from "../../../components/states";
import { type ListingFilters, useArtworkPages, useReference } from "../../../hooks/api/catalog";
import { useI18n } from "../../../i18n";
import { Filters } from "./components/filters";

const KEYS = [
  "q",
  "medium",
  "theme",
  "style",
  "technique",
  "status",
  "minPrice",
  "maxPrice",
  "sort",
] as const;
const SORTS = ["newest", "ending_soon", "price_asc", "price_desc", "most_bids", "most_watched"] as const;

export function BrowsePage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = useMemo<ListingFilters>(() => {
    const f: Record<string, string> = {};
    for (const k of KEYS) {
      const v = params.get(k);
      if (v) f[k] = v;
    }
    return { ...f, limit: 24 } as ListingFilters;
  }, [params]);
  const reference = useReference();
  const pages = useArtworkPages(filters);
  const wide = useMediaQuery("(min-width: 62em)", true);
  const [open, { toggle }] = useDisclosure(false);
  const [q, setQ] = useState(filters.q ?? "");
  useEffect(() => setQ(filters.q ?? ""), [filters.q]);

  // The filters as last set, ahead of the render that shows them: two changes in quick succession
  // (a medium, then a sort, before the page re-rendered) both apply, not only the second.
  const latest = useRef(params);
  const seen = useRef(params);
  if (seen.current !== params) {
    // the URL changed (this page's change arrived, or back/forward): it is the truth again
    seen.current = params;
    latest.current = params;
  }
  const replaceParams = (p: URLSearchParams) => {
    latest.current = p;
    setParams(p);
  };
  const update = (next: Partial<ListingFilters>) => {
    const p = new URLSearchParams(latest.current);
    for (const [k, v] of Object.entries(next)) {
      if (v === undefined || v === "") p.delete(k);
      else p.set(k, String(v));
    }
    replaceParams(p);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    update({ q: q.trim() });
  };

  const first = pages.data?.pages[0];
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const filterPanel = (
    <Filters
      filters={filters}
      reference={reference.data}
      facets={first?.facets}
      onChange={update}
      onClear={() => {
        const q = latest.current.get("q");
        replaceParams(new URLSearchParams(q ? { q } : {}));
      }}
    />
  );

  return (
    <Container size="xl" py="xl">
      <Title order={1} mb="lg">
        {t("browse.title")}
      </Title>
      <Group align="flex-end" gap="sm" mb="xl" wrap="wrap">
        <search aria-label={t("browse.search")} style={{ flex: "1 1 240px" }}>
          <form onSubmit={search}>
            <Group gap="xs" wrap="nowrap" align="flex-end">
              <TextInput
                style={{ flex: 1 }}
                label={t("browse.searchLabel")}
                value={q}
                onChange={(e) => setQ(e.currentTarget.value)}
                leftSection={<SearchIcon size={16} />}
                type="search"
              />
              <Button type="submit">{t("browse.search")}</Button>
            </Group>
          </form>
        </search>
        <NativeSelect
          label={t("browse.sort")}
          value={filters.sort ?? "newest"}
          onChange={(e) => update({ sort: e.currentTarget.value as ListingFilters["sort"] })}
          data={SORTS.map((s) => ({ value: s, label: t(`sort.${s}`) }))}
          w={{ base: "100%", xs: 200 }}
        />
      </Group>
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Box component="aside" aria-label={t("browse.filters")}>
            {wide ? (
              <>
                <Title order={2} size="h4" mb="md">
                  {t("browse.filters")}
                </Title>
                {filterPanel}
              </>
            ) : (
              <>
                <Button
                  variant="default"
                  fullWidth
                  onClick={toggle}
                  aria-expanded={open}
                  aria-controls="filters-panel"
                >
                  {open ? t("browse.hideFilters") : t("browse.showFilters")}
                </Button>
                <Collapse expanded={open} id="filters-panel">
                  <Box pt="md">{filterPanel}</Box>
                </Collapse>
              </>
            )}
          </Box>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          <Box component="section" aria-label={t("browse.title")} aria-busy={pages.isFetching}>
            {first?.total !== undefined && (
              <Text c="dimmed" size="sm" mb="md" role="status" data-testid="result-count">
                {t("browse.results", { n: first.total })}
              </Text>
            )}
            {pages.isPending && <PageLoader />}
            {pages.isError && <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />}
            {pages.isSuccess && items.length === 0 && <EmptyState>{t("browse.noResults")}</EmptyState>}
            <SimpleGrid cols={{ base: 1, xs: 2, lg: 3 }} spacing="xl" verticalSpacing={48}>
              {items.map((a, i) => (
                <ArtworkCard key={a.id} artwork={a} eager={i < 3} />
              ))}
            </SimpleGrid>
            {pages.hasNextPage && (
              <Center mt={48}>
                <Button
                  variant="default"
                  loading={pages.isFetchingNextPage}
                  onClick={() => void pages.fetchNextPage()}
                >
                  {t("common.loadMore")}
                </Button>
              </Center>
            )}
          </Box>
        </Grid.Col>
      </Grid>
    </Container>
  );
}
