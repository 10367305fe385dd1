import { Box, Container, Grid, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useParams } from "react-router";
import { ArtworkCard, ArtworkImage } from "../../../components/artwork-card";
import { EmptyState, ErrorState, isNotFound, NotFound, PageLoader } from "../../../components/states";
import { useArtist } from "../../../hooks/api/catalog";
import { useI18n } from "../../../i18n";

export function ArtistPage() {
  const { id = "" } = useParams();
  const { t, label } = useI18n();
  const q = useArtist(id);
  if (q.isPending) return <PageLoader />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <NotFound message={t("artist.notFound")} />
    ) : (
      <Container size="xl" py="xl">
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </Container>
    );
  const { artist, artworks } = q.data;
  const name = label({ ko: artist.nameKo, en: artist.nameEn });
  const other = name === artist.nameKo ? artist.nameEn : artist.nameKo;
  return (
    <Container size="xl" py="xl">
      <Grid gap="xl" mb={48}>
        {artist.portrait && (
          <Grid.Col span={{ base: 12, sm: 4, md: 3 }}>
            <ArtworkImage
              image={{ ...artist.portrait, id: artist.id, position: 0, isPrimary: true }}
              alt={name}
              eager
            />
          </Grid.Col>
        )}
        <Grid.Col span={{ base: 12, sm: 8, md: 9 }}>
          <Stack gap="xs">
            <Title order={1}>{name}</Title>
            <Text c="dimmed">
              {other} · {artist.country}
              {artist.birthYear ? ` · ${t("artist.born", { year: artist.birthYear })}` : ""}
            </Text>
            {artist.biography && (
              <Text maw={720} lh={1.8} mt="md" style={{ whiteSpace: "pre-line" }}>
                {artist.biography}
              </Text>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <Box component="section" aria-labelledby="works-title">
        <Title order={2} id="works-title" mb="lg">
          {t("artist.works")} ({artworks.length})
        </Title>
        {artworks.length === 0 ? (
          <EmptyState />
        ) : (
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xl" verticalSpacing={48}>
            {artworks.map((a) => (
              <ArtworkCard key={a.id} artwork={a} />
            ))}
          </SimpleGrid>
        )}
      </Box>
    </Container>
  );
}
