import { LotStatus } from "@arte/contracts/auction.js";
import { Anchor, Button, Group, NativeSelect, Stack, Table, Title, VisuallyHidden } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import { EmptyState, ErrorState, PageLoader } from "../../../components/states";
import { useLots } from "../../../hooks/api/admin";
import { type MessageKey, useI18n } from "../../../i18n";
import { ArtworkTitle, LoadMore, LotStatusBadge } from "../shared/ui";

/** Lots by status, soonest first. */
export function AdminLotsPage() {
  const { t, won, dateTime } = useI18n();
  const [params, setParams] = useSearchParams();
  const status = LotStatus.safeParse(params.get("status")).data;
  const list = useLots(status);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("admin.lots")}</Title>
        <Group align="flex-end">
          <NativeSelect
            label={t("admin.lot.status")}
            value={status ?? ""}
            onChange={(e) => {
              const p = new URLSearchParams(params);
              if (e.currentTarget.value) p.set("status", e.currentTarget.value);
              else p.delete("status");
              setParams(p);
            }}
            data={[
              { value: "", label: t("status.any") },
              ...LotStatus.options.map((s) => ({ value: s, label: t(`status.${s}` as MessageKey) })),
            ]}
          />
          <Button component={Link} to="/admin/lots/new">
            {t("admin.lot.new")}
          </Button>
        </Group>
      </Group>
      {list.isPending && <PageLoader />}
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <EmptyState />}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.artwork")}</Table.Th>
                <Table.Th>{t("admin.lot.status")}</Table.Th>
                <Table.Th>{t("artwork.startPrice")}</Table.Th>
                <Table.Th>{t("artwork.currentPrice")}</Table.Th>
                <Table.Th>{t("admin.lot.bidCount")}</Table.Th>
                <Table.Th>{t("admin.lot.startsAt")}</Table.Th>
                <Table.Th>{t("admin.lot.endsAt")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((l) => (
                <Table.Tr key={l.lotId}>
                  <Table.Td>
                    <ArtworkTitle id={l.artworkId} />
                  </Table.Td>
                  <Table.Td>
                    {/* named by its visible status, then what it does */}
                    <Anchor component={Link} to={`/admin/lots/${l.lotId}`}>
                      <LotStatusBadge status={l.status} />
                      <VisuallyHidden> {t("admin.lot.open")}</VisuallyHidden>
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{won(l.startPrice)}</Table.Td>
                  <Table.Td>{won(l.currentPrice)}</Table.Td>
                  <Table.Td>{l.bidCount}</Table.Td>
                  <Table.Td>{dateTime(l.startsAt)}</Table.Td>
                  <Table.Td>{dateTime(l.endsAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore
        hasNext={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onMore={() => void list.fetchNextPage()}
      />
    </Stack>
  );
}
