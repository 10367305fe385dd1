/** Small pieces the admin pages share: field messages, conflict and error alerts, badges, list tables. */
import { Alert, Badge, Button, Group, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Link, useSearchParams } from "react-router";
import {
  type ListQuery,
  ListStates,
  type PagedQuery,
  type Pages,
  pagedItems,
} from "../../../components/paged";
import { adminKeys } from "../../../hooks/api/admin";
import { MESSAGES, type MessageKey, useI18n } from "../../../i18n";
import { ApiError, api } from "../../../lib/api-client";

/** A form's values with a typed setter per field. */
export function useFormValues<T extends Record<string, unknown>>(initial: T | (() => T)) {
  const [values, setValues] = useState<T>(initial);
  const set =
    <K extends keyof T>(k: K) =>
    (v: T[K]) =>
      setValues((prev) => ({ ...prev, [k]: v }));
  return { values, setValues, set };
}

/** The page's search params (its filters), and a setter for some of them: an empty value removes one. */
export function useFilterParams() {
  const [params, setParams] = useSearchParams();
  const update = (next: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p);
  };
  return { params, update };
}

/** Turns contract issues (by path) into messages: the field's admin hint when there is one. */
export function useFieldMessages() {
  const { t } = useI18n();
  return (issues: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [path, message] of Object.entries(issues)) {
      const key = `admin.hint.${path}` as MessageKey;
      out[path] = key in MESSAGES.ko ? t(key) : message;
    }
    return out;
  };
}

/** A failed mutation in the admin's language; a stale version gets a reload button. */
export function MutationError({ error, onReload }: { error: unknown; onReload?: () => void }) {
  const { t, te } = useI18n();
  if (!error) return null;
  const conflict = error instanceof ApiError && error.code === "VERSION_CONFLICT";
  return (
    <Alert color="red" role="alert" variant="light">
      <Group justify="space-between" gap="xs">
        <Text size="sm">{conflict ? t("admin.conflict") : te(error)}</Text>
        {conflict && onReload && (
          <Button size="xs" variant="default" onClick={onReload}>
            {t("admin.reload")}
          </Button>
        )}
      </Group>
    </Alert>
  );
}

interface RowsTableProps<T> {
  items: readonly T[];
  /** The column headings, in order. */
  head: readonly string[];
  /** One row (a `Table.Tr` with its key) per item. */
  row: (item: T) => ReactNode;
  /** Below this width the table scrolls sideways. */
  minWidth: number;
  hover?: boolean;
}

/** A striped table of headings and rows, scrolling sideways on a narrow screen. */
export function RowsTable<T>({ items, head, row, minWidth, hover = true }: RowsTableProps<T>) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover={hover}>
        <Table.Thead>
          <Table.Tr>
            {head.map((h) => (
              <Table.Th key={h}>{h}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{items.map((item) => row(item))}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** An admin list: its loading, error and empty states, the table once it has rows, then "load more". */
export function ListTable<T>({
  query,
  more,
  empty,
  notice,
  ...table
}: RowsTableProps<T> & {
  query: ListQuery;
  more?: PagedQuery;
  empty?: ReactNode;
  notice?: ReactNode;
}) {
  return (
    <ListStates query={query} count={table.items.length} empty={empty} notice={notice} more={more}>
      <RowsTable {...table} />
    </ListStates>
  );
}

/** An infinite admin list as a table of the items of every page fetched so far, then "load more". */
export function PagedTable<T>({
  query,
  ...rest
}: Omit<RowsTableProps<T>, "items"> & {
  query: ListQuery & PagedQuery & { data?: Pages<T> };
  empty?: ReactNode;
  notice?: ReactNode;
}) {
  return <ListTable query={query} more={query} items={pagedItems(query.data)} {...rest} />;
}

/**
 * Badge colours for the back office's statuses: filled, dark enough that the white words on them stay
 * above 4.5:1 (WCAG 1.4.3; Mantine's light green, orange and red are not). The words carry the meaning.
 */
export const TONE = {
  info: "blue.9",
  good: "#1f6f35",
  neutral: "gray.7",
  done: "ink",
  warn: "#8a4b08",
  bad: "red.9",
} as const;

const LOT_COLORS: Record<string, string> = {
  SCHEDULED: TONE.info,
  OPEN: TONE.good,
  CLOSED: TONE.neutral,
  SOLD: TONE.done,
  UNSOLD: TONE.warn,
  CANCELLED: TONE.bad,
};
export function LotStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <Badge color={LOT_COLORS[status] ?? TONE.neutral}>{t(`status.${status}` as MessageKey)}</Badge>;
}

const INVOICE_COLORS: Record<string, string> = {
  ISSUED: TONE.info,
  PAID: TONE.good,
  PAYMENT_FAILED: TONE.bad,
  PARTIALLY_REFUNDED: TONE.warn,
  REFUNDED: TONE.neutral,
};
export function InvoiceStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Badge color={INVOICE_COLORS[status] ?? TONE.neutral}>
      {t(`admin.invoiceStatus.${status}` as MessageKey)}
    </Badge>
  );
}

/** An artwork's title by id (cached per artwork), linking to its admin page. */
export function ArtworkTitle({ id }: { id: string }) {
  const { label } = useI18n();
  const q = useQuery({
    queryKey: adminKeys.artwork(id),
    queryFn: ({ signal }) => api("catalog", "adminGetArtwork", { params: { id }, signal }),
    staleTime: 60_000,
  });
  return (
    <Link to={`/admin/artworks/${id}`}>
      {q.data ? label({ ko: q.data.titleKo, en: q.data.titleEn }) : shortId(id)}
    </Link>
  );
}

/** The first block of a UUID, enough to tell rows apart (the full id is in the title attribute). */
export const shortId = (id: string) => id.slice(0, 8);
