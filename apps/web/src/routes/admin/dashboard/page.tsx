import { Anchor, Card, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { EmptyState, ErrorState } from "../../../components/states";
import { useDailyTotals, useFailedPayments, useInvoicesIssued, useLots } from "../../../hooks/api/admin";
import { useI18n } from "../../../i18n";
import { formatDuration, useNow } from "../../../lib/time";
import { kstDay, kstDayStartIso, kstNextDayStartIso } from "../shared/kst";
import { ArtworkTitle, ListTable } from "../shared/ui";

function Figure({ label, value, to }: { label: string; value: string; to?: string }) {
  return (
    <Card withBorder padding="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz="xl" fw={600}>
        {to ? (
          <Anchor component={Link} to={to} inherit>
            {value}
          </Anchor>
        ) : (
          value
        )}
      </Text>
    </Card>
  );
}

function TodayFigures() {
  const { t, won } = useI18n();
  const day = kstDay(Date.now());
  const totals = useDailyTotals(day);
  const issued = useInvoicesIssued(kstDayStartIso(day), kstNextDayStartIso(day));
  const failed = useFailedPayments();
  const today = totals.data?.items.find((i) => i.day === day);
  const dash = "—";
  return (
    <section aria-labelledby="admin-today">
      <Title order={3} id="admin-today" mb="sm">
        {t("admin.dash.today", { day })}
      </Title>
      {(totals.isError || issued.isError || failed.isError) && (
        <ErrorState
          error={totals.error ?? issued.error ?? failed.error}
          onRetry={() => {
            void totals.refetch();
            void issued.refetch();
            void failed.refetch();
          }}
        />
      )}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Figure
          label={t("admin.dash.issued")}
          value={
            issued.data
              ? t("admin.dash.countSum", {
                  n: `${issued.data.count}${issued.data.capped ? "+" : ""}`,
                  sum: won(issued.data.sum),
                })
              : dash
          }
        />
        <Figure
          label={t("admin.dash.paid")}
          value={
            totals.data
              ? t("admin.dash.countSum", { n: today?.paidCount ?? 0, sum: won(today?.total ?? 0) })
              : dash
          }
        />
        <Figure
          label={t("admin.dash.refunded")}
          value={
            totals.data
              ? t("admin.dash.countSum", { n: today?.refundCount ?? 0, sum: won(today?.refunded ?? 0) })
              : dash
          }
        />
        <Figure
          label={t("admin.dash.failed")}
          value={failed.data ? `${failed.data.count}${failed.data.more ? "+" : ""}` : dash}
          to="/admin/payments?status=PAYMENT_FAILED"
        />
      </SimpleGrid>
      {today && (
        <Text size="sm" c="dimmed" mt="xs">
          {t("admin.dash.net", { net: won(today.net) })}
        </Text>
      )}
    </section>
  );
}

function LiveLots() {
  const { t, won, dateTime } = useI18n();
  const now = useNow(1000);
  const lots = useLots("OPEN", { refetchMs: 15_000, limit: 50 });
  const items = lots.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="admin-live">
      <Title order={3} id="admin-live" mb="sm">
        {t("admin.dash.live", { n: lots.isSuccess ? `${items.length}${lots.hasNextPage ? "+" : ""}` : "…" })}
      </Title>
      <ListTable
        query={lots}
        items={items}
        empty={<EmptyState>{t("admin.dash.noLive")}</EmptyState>}
        minWidth={560}
        hover={false}
        head={[
          t("admin.artwork"),
          t("artwork.currentPrice"),
          t("admin.lot.bidCount"),
          t("admin.lot.endsAt"),
          t("admin.lot.remaining"),
        ]}
        row={(l) => (
          <Table.Tr key={l.lotId}>
            <Table.Td>
              <ArtworkTitle id={l.artworkId} />{" "}
              <Anchor component={Link} to={`/admin/lots/${l.lotId}`} size="xs">
                {t("admin.lot.open")}
              </Anchor>
            </Table.Td>
            <Table.Td>{won(l.currentPrice)}</Table.Td>
            <Table.Td>{l.bidCount}</Table.Td>
            <Table.Td>{dateTime(l.endsAt)}</Table.Td>
            <Table.Td>{formatDuration(Date.parse(l.endsAt) - now)}</Table.Td>
          </Table.Tr>
        )}
      />
    </section>
  );
}

/** The admin's landing page: today's money and the lots open right now. */
export function AdminDashboardPage() {
  const { t } = useI18n();
  return (
    <Stack gap="xl">
      <Title order={2}>{t("admin.dashboard")}</Title>
      <TodayFigures />
      <LiveLots />
    </Stack>
  );
}
