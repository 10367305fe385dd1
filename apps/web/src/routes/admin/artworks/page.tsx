import { MEDIA } from "@arte/contracts/catalog.js";
import { Anchor, Badge, Button, Group, Image, NativeSelect, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { useAdminArtworks } from "../../../hooks/api/admin";
import { useI18n } from "../../../i18n";
import { LotStatusBadge, PagedTable, useFilterParams } from "../shared/ui";

/** Every artwork, archived ones included or not, newest first. */
export function AdminArtworksPage() {
  const { t, won, label } = useI18n();
  const { params, update } = useFilterParams();
  const archived = (params.get("archived") ?? "") as "" | "true" | "false";
  const list = useAdminArtworks(archived || undefined);
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("admin.artworks")}</Title>
        <Group align="flex-end">
          <NativeSelect
            label={t("admin.artwork.archivedFilter")}
            value={archived}
            onChange={(e) => update({ archived: e.currentTarget.value })}
            data={[
              { value: "", label: t("browse.any") },
              { value: "false", label: t("admin.artwork.active") },
              { value: "true", label: t("admin.artwork.archived") },
            ]}
          />
          <Button component={Link} to="/admin/artworks/new">
            {t("admin.artwork.new")}
          </Button>
        </Group>
      </Group>
      <PagedTable
        query={list}
        minWidth={720}
        head={[
          t("admin.artwork"),
          t("artwork.artist"),
          t("artwork.medium"),
          t("artwork.estimate"),
          t("admin.lot.status"),
          t("admin.artwork.images"),
        ]}
        row={(a) => (
          <Table.Tr key={a.id}>
            <Table.Td>
              <Group gap="sm" wrap="nowrap">
                {a.primaryImage ? (
                  <Image
                    src={a.primaryImage.variants.thumb.url}
                    alt=""
                    w={48}
                    h={48}
                    fit="cover"
                    radius="sm"
                  />
                ) : (
                  <Text size="xs" c="dimmed" w={48}>
                    {t("artwork.noImage")}
                  </Text>
                )}
                <Stack gap={0}>
                  <Anchor component={Link} to={`/admin/artworks/${a.id}`}>
                    {label({ ko: a.titleKo, en: a.titleEn })}
                  </Anchor>
                  {a.archivedAt && (
                    <Badge size="xs" color="gray" variant="outline">
                      {t("admin.artwork.archived")}
                    </Badge>
                  )}
                </Stack>
              </Group>
            </Table.Td>
            <Table.Td>{label({ ko: a.artist.nameKo, en: a.artist.nameEn })}</Table.Td>
            <Table.Td>{label(MEDIA[a.medium])}</Table.Td>
            <Table.Td>
              {won(a.estimateLow)} – {won(a.estimateHigh)}
            </Table.Td>
            <Table.Td>
              {a.auction ? (
                <Anchor component={Link} to={`/admin/lots/${a.auction.lotId}`}>
                  <LotStatusBadge status={a.auction.status} />
                </Anchor>
              ) : (
                <Text size="sm" c="dimmed">
                  {t("status.NONE")}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{a.images.length}</Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
