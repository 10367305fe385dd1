import { InvoiceStatus } from "@arte/contracts/payment.js";
import { Anchor, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { type InvoiceFilters, useAdminInvoices } from "../../../hooks/api/admin";
import { type MessageKey, useI18n } from "../../../i18n";
import { kstDayStartIso, kstNextDayStartIso } from "../shared/kst";
import { InvoiceStatusBadge, PagedTable, useFilterParams } from "../shared/ui";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Invoices by status and Seoul creation day; failed payments first, as the payment service orders them. */
export function AdminPaymentsPage() {
  const { t, won, dateTime } = useI18n();
  const { params, update } = useFilterParams();
  const status = InvoiceStatus.safeParse(params.get("status")).data;
  const fromDay = params.get("from") ?? "";
  const toDay = params.get("to") ?? "";
  const [from, setFrom] = useState(fromDay);
  const [to, setTo] = useState(toDay);
  const filters: InvoiceFilters = {
    ...(status ? { status } : {}),
    ...(DAY.test(fromDay) ? { from: kstDayStartIso(fromDay) } : {}),
    ...(DAY.test(toDay) ? { to: kstNextDayStartIso(toDay) } : {}),
  };
  const list = useAdminInvoices(filters);
  const rangeBad = DAY.test(from) && DAY.test(to) && from > to;

  return (
    <Stack>
      <Title order={2}>{t("admin.payments")}</Title>
      <search aria-label={t("admin.filters")}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!rangeBad) update({ from, to });
          }}
        >
          <Group align="flex-end">
            <NativeSelect
              label={t("admin.invoice.status")}
              value={status ?? ""}
              onChange={(e) => update({ status: e.currentTarget.value })}
              data={[
                { value: "", label: t("browse.any") },
                ...InvoiceStatus.options.map((s) => ({
                  value: s,
                  label: t(`admin.invoiceStatus.${s}` as MessageKey),
                })),
              ]}
            />
            <TextInput
              type="date"
              label={t("admin.from")}
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
            />
            <TextInput
              type="date"
              label={t("admin.to")}
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              error={rangeBad ? t("admin.rangeBad") : undefined}
            />
            <Button type="submit" variant="default">
              {t("browse.apply")}
            </Button>
          </Group>
        </form>
      </search>
      <Text size="xs" c="dimmed">
        {t("admin.invoice.order")}
      </Text>
      <PagedTable
        query={list}
        minWidth={720}
        head={[
          t("admin.invoice.number"),
          t("admin.invoice.status"),
          t("admin.invoice.total"),
          t("admin.invoice.refunded"),
          t("admin.invoice.createdAt"),
          t("admin.invoice.lastError"),
        ]}
        row={(inv) => (
          <Table.Tr key={inv.id}>
            <Table.Td>
              <Anchor component={Link} to={`/admin/payments/${inv.id}`}>
                {inv.number}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <InvoiceStatusBadge status={inv.status} />
            </Table.Td>
            <Table.Td>{won(inv.total)}</Table.Td>
            <Table.Td>{inv.refundedTotal ? won(inv.refundedTotal) : "—"}</Table.Td>
            <Table.Td>{dateTime(inv.createdAt)}</Table.Td>
            <Table.Td>
              {inv.lastErrorCode ? (
                <Text size="xs" ff="monospace">
                  {inv.lastErrorCode} ({inv.attempts})
                </Text>
              ) : (
                "—"
              )}
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
