import { Badge, Table } from "@mantine/core";
import type { Invoice } from "../../../../hooks/api/payment";
import { useI18n } from "../../../../i18n";
import { invoiceLines, invoiceStatusBadge, premiumPercent } from "../lib/invoices";

export function InvoiceStatusBadge({ status }: { status: Invoice["status"] }) {
  const { t } = useI18n();
  return (
    <Badge
      color={invoiceStatusBadge[status].color}
      variant={invoiceStatusBadge[status].variant}
      radius={0}
      data-testid="invoice-status"
    >
      {t(`account.invoiceStatus.${status}`)}
    </Badge>
  );
}

/** Hammer price, buyer's premium and total (and refunds), figures aligned right. */
export function InvoiceFigures({ invoice, caption }: { invoice: Invoice; caption?: string }) {
  const { t, won } = useI18n();
  return (
    <Table withRowBorders layout="fixed" className="arte-figures">
      {caption && <Table.Caption style={{ captionSide: "top", textAlign: "left" }}>{caption}</Table.Caption>}
      <Table.Tbody>
        {invoiceLines(invoice).map((l) => (
          <Table.Tr key={l.id} data-line={l.id}>
            <Table.Th scope="row" fw={l.strong ? 700 : 400}>
              {l.id === "premium"
                ? t("account.line.premium", { pct: premiumPercent(invoice.premiumBps) })
                : t(`account.line.${l.id}`)}
            </Table.Th>
            <Table.Td
              ta="right"
              fw={l.strong ? 700 : 400}
              style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}
            >
              {l.amount < 0 ? `−${won(-l.amount)}` : won(l.amount)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
