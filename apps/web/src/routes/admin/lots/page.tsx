import { LotStatus } from "@arte/contracts/auction.js";
import { Anchor, Button, Group, NativeSelect, Stack, Table, Title, VisuallyHidden } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import { useLots } from "../../../hooks/api/admin";
import { type MessageKey, useI18n } from "../../../i18n";
import { ArtworkTitle, ListTable, LotStatusBadge } from "../shared/ui";

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
      <ListTable
        query={list}
        more={list}
        items={items}
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
