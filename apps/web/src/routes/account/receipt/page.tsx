import { Alert, Button, Container, Divider, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useParams } from "react-router";
import { ErrorState, isNotFound, NotFound, PageLoader } from "../../../components/states";
import { useInvoiceArtwork, useMyInvoice } from "../../../hooks/api/payment";
import { useMe } from "../../../hooks/api/users";
import { useI18n } from "../../../i18n";
import { RequireAuth } from "../../../lib/auth";
import { InvoiceFigures, InvoiceStatusBadge } from "../my-page/components/invoice-figures";
import { documentKind } from "../my-page/lib/invoices";
import "./receipt.css";

function Receipt({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const q = useMyInvoice(id);
  const me = useMe();
  const art = useInvoiceArtwork(q.data?.artworkId ?? "");
  if (q.isPending) return <PageLoader />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <NotFound message={t("account.receipt.notFound")} />
    ) : (
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    );
  const inv = q.data;
  const kind = documentKind(inv.status);
  const heading = t(kind === "receipt" ? "account.receipt.title" : "account.receipt.invoiceTitle");
  const facts: [string, React.ReactNode][] = [
    [t("account.receipt.number"), inv.number],
    [t("account.receipt.issuedAt"), dateTime(inv.createdAt)],
    [t("account.receipt.paidAt"), inv.paidAt ? dateTime(inv.paidAt) : t("account.purchases.notPaid")],
    [t("account.receipt.status"), <InvoiceStatusBadge key="s" status={inv.status} />],
    ...(me.data
      ? ([[t("account.receipt.buyer"), `${me.data.username} (${me.data.email})`]] as [string, string][])
      : []),
    [
      t("account.receipt.artwork"),
      art.title ? `${art.title}${art.artist ? ` — ${art.artist}` : ""}` : t("account.bids.untitled"),
    ],
    [t("account.receipt.lot"), inv.lotId],
  ];
  return (
    <div className="arte-receipt">
      <Group justify="space-between" mb="lg" className="arte-receipt-toolbar">
        <Button component={Link} to="/me?tab=purchases" variant="subtle" size="sm">
          {t("account.receipt.back")}
        </Button>
        <Button onClick={() => window.print()}>{t("account.receipt.print")}</Button>
      </Group>
      <Paper
        withBorder
        radius={0}
        p={{ base: "md", sm: "xl" }}
        component="article"
        aria-labelledby="receipt-title"
        className="arte-receipt-doc"
        data-testid="receipt"
      >
        <Stack gap="lg">
          <Group justify="space-between" align="flex-end" gap="xs">
            <div>
              <Text className="arte-display" fz={24} fw={600} lh={1.1}>
                Arte Moderni
              </Text>
              <Text size="xs" c="dimmed">
                {t("account.receipt.issuer")}
              </Text>
            </div>
            <Title order={1} size="h2" id="receipt-title">
              {heading}
            </Title>
          </Group>
          <Divider />
          <Table variant="vertical" layout="fixed" withRowBorders={false}>
            <Table.Tbody>
              {facts.map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th w={120} scope="row">
                    {k}
                  </Table.Th>
                  <Table.Td>{v}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <InvoiceFigures invoice={inv} caption={t("account.receipt.amounts")} />
          {inv.status === "PAYMENT_FAILED" && (
            <Alert color="red" variant="light" role="note">
              {t("account.purchases.failedHelp")}
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            {t("account.receipt.note")}
          </Text>
        </Stack>
      </Paper>
    </div>
  );
}

export function ReceiptPage() {
  const { id = "" } = useParams();
  return (
    <RequireAuth>
      <Container size="md" py="xl">
        <Receipt id={id} />
      </Container>
    </RequireAuth>
  );
}
