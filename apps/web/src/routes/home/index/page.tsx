import {
  Anchor,
  Avatar,
  Box,
  Button,
  Card,
  Container,
  Group,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useId } from "react";
import { Link } from "react-router";
import { ArtworkCard } from "../../../components/artwork-card";
import { EmptyState, ErrorState, PageLoader } from "../../../components/states";
import {
  featuredArtists,
  type ListingFilters,
  useArtists,
  useArtworks,
  useReference,
} from "../../../hooks/api/catalog";
import { useI18n } from "../../../i18n";

function Rail({
  title,
  filters,
  seeAll,
  empty,
  eager,
}: {
  title: string;
  filters: ListingFilters;
  seeAll: string;
  empty?: string;
  eager?: boolean;
}) {
  const { t } = useI18n();
  const q = useArtworks(filters);
  const id = useId();
  if (q.isSuccess && q.data.items.length === 0 && !empty) return null;
  return (
    <Box component="section" aria-labelledby={id} py="xl">
      <Group justify="space-between" align="baseline" mb="lg">
        <Title order={2} id={id}>
          {title}
        </Title>
        <Anchor component={Link} to={seeAll} c="dimmed" size="sm">
          {t("common.seeAll")}
        </Anchor>
      </Group>
      {q.isPending && <PageLoader />}
      {q.isError && <ErrorState error={q.error} onRetry={() => void q.refetch()} />}
      {q.isSuccess &&
        (q.data.items.length === 0 ? (
          <EmptyState>{empty}</EmptyState>
        ) : (
          <div className="arte-rail">
            {q.data.items.map((a, i) => (
              <ArtworkCard key={a.id} artwork={a} eager={eager && i < 2} />
            ))}
          </div>
        ))}
    </Box>
  );
}

function FeaturedArtists() {
  const { t, label } = useI18n();
  const q = useArtists();
  if (!q.isSuccess) return null;
  const artists = featuredArtists(q.data.items, 6);
  if (artists.length === 0) return null;
  return (
    <Box component="section" aria-labelledby="artists-title" py="xl">
      <Title order={2} id="artists-title" mb="lg">
        {t("home.artists")}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="lg">
        {artists.map((a) => {
          const name = label({ ko: a.nameKo, en: a.nameEn });
          return (
            <Card key={a.id} component={Link} to={`/artists/${a.id}`} padding="md" radius={0} withBorder>
              {/* the link's name is its visible words (name, number of works); the initial is decoration */}
              <Stack align="center" gap="xs">
                <Avatar
                  src={a.portrait?.variants.thumb.url ?? null}
                  alt=""
                  size={96}
                  radius={96}
                  aria-hidden="true"
                >
                  {name.slice(0, 1)}
                </Avatar>
                <Text className="arte-display" fz="lg" ta="center" lineClamp={1}>
                  {name}
                </Text>
                <Text size="xs" c="dimmed">
                  {t("home.artistWorks", { n: a.artworkCount })}
                </Text>
              </Stack>
            </Card>
          );
        })}
      </SimpleGrid>
    </Box>
  );
}

function MediaTiles() {
  const { t, label } = useI18n();
  const ref = useReference();
  if (!ref.isSuccess) return null;
  return (
    <Box component="section" aria-labelledby="media-title" py="xl">
      <Title order={2} id="media-title" mb="lg">
        {t("home.media")}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} spacing="md">
        {ref.data.media.map((m) => (
          <Button
            key={m.code}
            component={Link}
            to={`/artworks?medium=${m.code}`}
            variant="default"
            size="lg"
            className="arte-display"
            fz="lg"
          >
            {label(m)}
          </Button>
        ))}
      </SimpleGrid>
    </Box>
  );
}

export function HomePage() {
  const { t } = useI18n();
  return (
    <>
      <Box py={{ base: 48, md: 96 }} className="arte-hairline">
        <Container size="xl">
          <Stack gap="lg" maw={720}>
            <Text tt="uppercase" size="xs" c="dimmed" style={{ letterSpacing: "0.2em" }}>
              {t("app.tagline")}
            </Text>
            <Title order={1}>{t("home.heroTitle")}</Title>
            <Text size="lg" c="dimmed">
              {t("home.heroBody")}
            </Text>
            <Group>
              <Button component={Link} to="/artworks" size="md">
                {t("home.heroCta")}
              </Button>
            </Group>
          </Stack>
        </Container>
      </Box>
      <Container size="xl">
        <Rail
          title={t("home.live")}
          filters={{ status: "OPEN", sort: "most_bids", limit: 8 }}
          seeAll="/artworks?status=OPEN&sort=most_bids"
          empty={t("home.noLive")}
          eager
        />
        <Rail
          title={t("home.endingSoon")}
          filters={{ status: "OPEN", sort: "ending_soon", limit: 8 }}
          seeAll="/artworks?status=OPEN&sort=ending_soon"
        />
        <Rail
          title={t("home.new")}
          filters={{ sort: "newest", limit: 8 }}
          seeAll="/artworks?sort=newest"
          eager
        />
        <FeaturedArtists />
        <MediaTiles />
      </Container>
    </>
  );
}
