import { LotStatus } from "@arte/contracts/auction.js";
import { Anchor, Button, Group, NativeSelect, Stack, Table, Title, VisuallyHidden } from "@mantine/core";
import { Link } from "react-router";
import { useLots } from "../../../hooks/api/admin";
import { type MessageKey, useI18n } from "../../../i18n";
import { ArtworkTitle, LotStatusBadge, PagedTable, useFilterParams } from "../shared/ui";

/** Lots by status, soonest first. */
export function AdminLotsPage() {
  const { t, won, dateTime } = useI18n();
  const { params, update } = useFilterParams();
  const status = LotStatus.safeParse(params.get("status")).data;
  const list = useLots(status);
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("admin.lots")}</Title>
        <Group align="flex-end">
          <NativeSelect
            label={t("admin.lot.status")}
            value={status ?? ""}
            onChange={(e) => update({ status: e.currentTarget.value })}
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
      <PagedTable
        query={list}
        minWidth={720}
        head={[
          t("admin.artwork"),
          t("admin.lot.status"),
          t("artwork.startPrice"),
          t("artwork.currentPrice"),
          t("admin.lot.bidCount"),
          t("admin.lot.startsAt"),
          t("admin.lot.endsAt"),
        ]}
        row={(l) => (
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
        )}
      />
    </Stack>
  );
}
