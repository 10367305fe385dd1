import { MEDIA } from "@arte/contracts/catalog.js";
import { Anchor, Badge, Button, Group, Image, NativeSelect, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import { EmptyState, ErrorState, PageLoader } from "../../../components/states";
import { useAdminArtworks } from "../../../hooks/api/admin";
import { useI18n } from "../../../i18n";
import { LoadMore, LotStatusBadge } from "../shared/ui";

/** Every artwork, archived ones included or not, newest first. */
export function AdminArtworksPage() {
  const { t, won, label } = useI18n();
  const [params, setParams] = useSearchParams();
  const archived = (params.get("archived") ?? "") as "" | "true" | "false";
  const list = useAdminArtworks(archived || undefined);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("admin.artworks")}</Title>
        <Group align="flex-end">
          <NativeSelect
            label={t("admin.artwork.archivedFilter")}
            value={archived}
            onChange={(e) => {
              const p = new URLSearchParams(params);
              if (e.currentTarget.value) p.set("archived", e.currentTarget.value);
              else p.delete("archived");
              setParams(p);
            }}
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
      {list.isPending && <PageLoader />}
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <EmptyState />}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.artwork")}</Table.Th>
                <Table.Th>{t("artwork.artist")}</Table.Th>
                <Table.Th>{t("artwork.medium")}</Table.Th>
                <Table.Th>{t("artwork.estimate")}</Table.Th>
                <Table.Th>{t("admin.lot.status")}</Table.Th>
                <Table.Th>{t("admin.artwork.images")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
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
