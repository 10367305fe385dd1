import {
  Anchor,
  Box,
  Button,
  Container,
  Divider,
  Grid,
  Group,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { HeartIcon } from "../../../components/icons";
import { ErrorState, isNotFound, NotFound, PageLoader } from "../../../components/states";
import { type Artwork, useArtwork, useReference, useWatch } from "../../../hooks/api/catalog";
import { useI18n } from "../../../i18n";
import { useAuth } from "../../../lib/auth";
import { BidHistory } from "./components/bid-history";
import { BidPanel } from "./components/bid-panel";
import { Gallery } from "./components/gallery";

function WatchButton({ artwork }: { artwork: Artwork }) {
  const { t, te } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const watch = useWatch();
  const watching = artwork.watching === true;
  return (
    <Stack gap={4}>
      <Button
        variant={watching ? "filled" : "default"}
        leftSection={<HeartIcon size={18} filled={watching} />}
        aria-pressed={watching}
        loading={watch.isPending}
        onClick={() =>
          user
            ? watch.mutate({ id: artwork.id, watch: !watching })
            : navigate(`/login?next=${encodeURIComponent(location.pathname)}`)
        }
        title={user ? undefined : t("artwork.watchLogin")}
      >
        {watching ? t("artwork.watching") : t("artwork.watch")}
      </Button>
      <Text size="xs" c="dimmed">
        {t("artwork.watchers", { n: artwork.watchCount })}
      </Text>
      {watch.isError && (
        <Text size="sm" c="red" role="alert">
          {te(watch.error)}
        </Text>
      )}
    </Stack>
  );
}

function Details({ artwork }: { artwork: Artwork }) {
  const { t, label } = useI18n();
  const ref = useReference();
  const medium = ref.data?.media.find((m) => m.code === artwork.medium);
  const find = (list: { code: string; ko: string; en: string }[] | undefined, code: string) => {
    const v = list?.find((x) => x.code === code);
    return v ? label(v) : code;
  };
  const s = artwork.size;
  const rows: [string, string][] = [
    [t("artwork.medium"), medium ? label(medium) : artwork.medium],
    [t("artwork.theme"), find(medium?.themes, artwork.theme)],
    [t("artwork.style"), find(medium?.styles, artwork.style)],
    [
      medium ? label(medium.techniqueLabel) : t("artwork.technique"),
      find(medium?.techniques, artwork.technique),
    ],
    [t("artwork.size"), `${s.widthCm} × ${s.heightCm}${s.depthCm ? ` × ${s.depthCm}` : ""} cm`],
    [t("artwork.year"), artwork.completionDate],
    [t("artwork.country"), artwork.country],
  ];
  return (
    <Table variant="vertical" layout="fixed" withRowBorders={false}>
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Th w={140} fw={400} c="dimmed">
              {k}
            </Table.Th>
            <Table.Td>{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ArtworkPage() {
  const { id = "" } = useParams();
  const { t, label, won } = useI18n();
  const { user, ready } = useAuth();
  const q = useArtwork(id, Boolean(user));
  if (!ready || q.isPending) return <PageLoader />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <NotFound message={t("artwork.notFound")} />
    ) : (
      <Container size="xl" py="xl">
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </Container>
    );
  const a = q.data;
  const title = label({ ko: a.titleKo, en: a.titleEn });
  const artist = label({ ko: a.artist.nameKo, en: a.artist.nameEn });
  return (
    <Container size="xl" py="xl">
      <Grid gap={{ base: "xl", md: 64 }}>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Gallery artwork={a} alt={t("artwork.image", { title, artist })} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="lg">
            <div>
              <Anchor component={Link} to={`/artists/${a.artist.id}`} c="dimmed" size="sm">
                {artist}
              </Anchor>
              <Title order={1} mt={4}>
                {title}
              </Title>
              {a.titleEn && a.titleEn !== title && (
                <Text c="dimmed" size="sm" lang="en">
                  {a.titleEn}
                </Text>
              )}
            </div>
            <Group justify="space-between" align="flex-start">
              <div>
                <Text size="sm" c="dimmed">
                  {t("artwork.estimate")}
                </Text>
                <Text fw={500}>
                  {won(a.estimateLow)} – {won(a.estimateHigh)}
                </Text>
              </div>
              <WatchButton artwork={a} />
            </Group>
            <BidPanel artwork={a} />
            {a.auction && <BidHistory lotId={a.auction.lotId} />}
            <Divider />
            <Box component="section" aria-labelledby="details-title">
              <Title order={2} size="h4" id="details-title" mb="xs">
                {t("artwork.details")}
              </Title>
              <Details artwork={a} />
            </Box>
          </Stack>
        </Grid.Col>
      </Grid>
      <Grid gap={{ base: "xl", md: 64 }} mt={48}>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Box component="section" aria-labelledby="about-title">
            <Title order={2} size="h3" id="about-title" mb="sm">
              {t("artwork.description")}
            </Title>
            <Text style={{ whiteSpace: "pre-line" }} lh={1.8}>
              {a.description}
            </Text>
          </Box>
          {a.conditionReport && (
            <Box component="section" aria-labelledby="condition-title" mt="xl">
              <Title order={2} size="h3" id="condition-title" mb="sm">
                {t("artwork.condition")}
              </Title>
              <Text style={{ whiteSpace: "pre-line" }}>{a.conditionReport}</Text>
            </Box>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Anchor component={Link} to={`/artists/${a.artist.id}`}>
            {t("artwork.byArtist", { name: artist })}
          </Anchor>
        </Grid.Col>
      </Grid>
    </Container>
  );
}
