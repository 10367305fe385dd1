import { Button, Group, NativeSelect, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import type { ArtworkPage, ListingFilters, ReferenceData } from "../../../../hooks/api/catalog";
import { useI18n } from "../../../../i18n";

type Facets = NonNullable<ArtworkPage["facets"]>;
type Props = {
  filters: ListingFilters;
  reference: ReferenceData | undefined;
  facets: Facets | null | undefined;
  onChange: (next: Partial<ListingFilters>) => void;
  onClear: () => void;
};

const count = (facets: Facets | null | undefined, dim: keyof Facets, value: string) => {
  const c = facets?.[dim]?.find((f) => f.value === value)?.count;
  return c === undefined ? "" : ` (${c})`;
};

/** Medium, its theme/style/technique, status and price; each change goes to the URL. */
export function Filters({ filters, reference, facets, onChange, onClear }: Props) {
  const { t, label } = useI18n();
  const medium = reference?.media.find((m) => m.code === filters.medium);
  const [minPrice, setMin] = useState(filters.minPrice ?? "");
  const [maxPrice, setMax] = useState(filters.maxPrice ?? "");
  useEffect(() => {
    setMin(filters.minPrice ?? "");
    setMax(filters.maxPrice ?? "");
  }, [filters.minPrice, filters.maxPrice]);

  const any = { value: "", label: t("browse.any") };
  const applyPrice = (e: FormEvent) => {
    e.preventDefault();
    onChange({ minPrice: minPrice.replace(/\D/g, ""), maxPrice: maxPrice.replace(/\D/g, "") });
  };

  return (
    <Stack gap="md">
      <NativeSelect
        label={t("artwork.medium")}
        value={filters.medium ?? ""}
        onChange={(e) => onChange({ medium: e.currentTarget.value, theme: "", style: "", technique: "" })}
        data={[
          any,
          ...(reference?.media ?? []).map((m) => ({
            value: m.code,
            label: `${label(m)}${count(facets, "medium", m.code)}`,
          })),
        ]}
      />
      {medium && (
        <>
          <NativeSelect
            label={t("artwork.theme")}
            value={filters.theme ?? ""}
            onChange={(e) => onChange({ theme: e.currentTarget.value })}
            data={[
              any,
              ...medium.themes.map((v) => ({
                value: v.code,
                label: `${label(v)}${count(facets, "theme", v.code)}`,
              })),
            ]}
          />
          <NativeSelect
            label={t("artwork.style")}
            value={filters.style ?? ""}
            onChange={(e) => onChange({ style: e.currentTarget.value })}
            data={[
              any,
              ...medium.styles.map((v) => ({
                value: v.code,
                label: `${label(v)}${count(facets, "style", v.code)}`,
              })),
            ]}
          />
          <NativeSelect
            label={label(medium.techniqueLabel)}
            value={filters.technique ?? ""}
            onChange={(e) => onChange({ technique: e.currentTarget.value })}
            data={[
              any,
              ...medium.techniques.map((v) => ({
                value: v.code,
                label: `${label(v)}${count(facets, "technique", v.code)}`,
              })),
            ]}
          />
        </>
      )}
      <NativeSelect
        label={t("admin.status")}
        value={filters.status ?? ""}
        onChange={(e) => onChange({ status: e.currentTarget.value })}
        data={[
          { value: "", label: t("status.any") },
          ...(reference?.auctionStatuses ?? []).map((s) => ({
            value: s,
            label: `${t(`status.${s}` as "status.OPEN")}${count(facets, "status", s)}`,
          })),
        ]}
      />
      <form onSubmit={applyPrice}>
        <Stack gap="xs">
          <Group grow gap="xs" align="flex-end">
            <TextInput
              label={t("browse.minPrice")}
              inputMode="numeric"
              value={minPrice}
              onChange={(e) => setMin(e.currentTarget.value)}
            />
            <TextInput
              label={t("browse.maxPrice")}
              inputMode="numeric"
              value={maxPrice}
              onChange={(e) => setMax(e.currentTarget.value)}
            />
          </Group>
          <Button type="submit" variant="default" size="xs">
            {t("browse.apply")}
          </Button>
        </Stack>
      </form>
      <Button variant="subtle" size="xs" onClick={onClear}>
        {t("browse.clear")}
      </Button>
    </Stack>
  );
}
