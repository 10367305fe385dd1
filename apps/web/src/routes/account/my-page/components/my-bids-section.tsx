import type { MyBidState } from "@arte/contracts/history.js";
import {
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { Link } from "react-router";
import { ArtworkImage } from "../../../../components/artwork-card";
import { ListStates } from "../../../../components/paged";
import { EmptyState } from "../../../../components/states";
import { useMyBids } from "../../../../hooks/api/history";
import { useI18n } from "../../../../i18n";
import { bidStateColor, MY_BID_STATES, type MyBidView, myBidView } from "../lib/my-bids";

function MyBidRow({ view }: { view: MyBidView }) {
  const { t, won, dateTime } = useI18n();
  const title = view.title ?? t("account.bids.untitled");
  return (
    <Paper component="li" withBorder radius={0} p="sm" data-testid="my-bid" data-state={view.state}>
      <Group wrap="nowrap" align="flex-start" gap="md">
        <Box w={{ base: 64, sm: 88 }} style={{ flexShrink: 0 }}>
          <Link
            to={view.href}
            tabIndex={-1}
            aria-hidden="true"
            style={{ display: "block", color: "inherit", textDecoration: "none" }}
          >
            <ArtworkImage image={view.image} alt="" size="thumb" />
          </Link>
        </Box>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" align="flex-start" gap="xs">
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={view.href} fw={600} c="inherit" lineClamp={2}>
                {title}
              </Anchor>
              {view.artist && (
                <Text size="sm" c="dimmed" truncate>
                  {view.artist}
                </Text>
              )}
            </div>
            <Badge
              color={bidStateColor[view.state]}
              variant={view.state === "LEADING" || view.state === "OUTBID" ? "filled" : "light"}
              radius={0}
            >
              {t(`account.bids.state.${view.state}`)}
            </Badge>
          </Group>
          <Group gap="lg" style={{ rowGap: 2 }}>
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                {t(`account.bids.price.${view.priceKind}`)}{" "}
              </Text>
              <Text span fw={600} size="sm">
                {won(view.price)}
              </Text>
            </Text>
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                {t("account.bids.myHighest")}{" "}
              </Text>
              <Text span size="sm">
                {won(view.myHighestBid)}
              </Text>
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {t("account.bids.counts", { mine: view.myBidCount, all: view.bidCount })} ·{" "}
            {t(view.live ? "account.bids.endsAt" : "account.bids.endedAt", { date: dateTime(view.endsAt) })}
          </Text>
          {view.live && view.state === "OUTBID" && (
            <Box>
              <Button component={Link} to={view.href} size="compact-sm" variant="default" mt={4}>
                {t("account.bids.bidAgain")}
              </Button>
            </Box>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}

export function MyBidsSection({
  state,
  onStateChange,
}: {
  state: MyBidState | undefined;
  onStateChange: (s: MyBidState | undefined) => void;
}) {
  const { t, locale } = useI18n();
  const q = useMyBids(state);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Box component="section" aria-labelledby="bids-title">
      <Group justify="space-between" align="flex-end" mb="md" gap="sm">
        <Title order={2} size="h3" id="bids-title">
          {t("account.bids.title")}
        </Title>
        <SegmentedControl
          size="xs"
          aria-label={t("account.bids.filter")}
          value={state ?? "ALL"}
          onChange={(v) => onStateChange(v === "ALL" ? undefined : (v as MyBidState))}
          data={[
            { value: "ALL", label: t("account.bids.all") },
            ...MY_BID_STATES.map((s) => ({ value: s, label: t(`account.bids.state.${s}`) })),
          ]}
          style={{ maxWidth: "100%", overflowX: "auto" }}
        />
      </Group>
      <ListStates
        query={q}
        count={items.length}
        empty={
          <Stack align="center" gap="xs">
            <EmptyState>{t(state ? "account.bids.emptyState" : "account.bids.empty")}</EmptyState>
            {!state && (
              <Button component={Link} to="/artworks" variant="default">
                {t("account.bids.browse")}
              </Button>
            )}
          </Stack>
        }
        more={q}
        moreGap="xl"
      >
        <Stack
          component="ul"
          gap="sm"
          p={0}
          m={0}
          style={{ listStyle: "none", opacity: q.isPlaceholderData ? 0.6 : 1 }}
          aria-busy={q.isFetching}
          data-testid="my-bids"
        >
          {items.map((b) => (
            <MyBidRow key={b.lotId} view={myBidView(b, locale)} />
          ))}
        </Stack>
      </ListStates>
    </Box>
  );
}
