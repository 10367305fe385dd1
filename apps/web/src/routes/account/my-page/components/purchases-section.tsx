import { Alert, Anchor, Box, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { ArtworkImage } from "../../../../components/artwork-card";
import { ListStates } from "../../../../components/paged";
import { EmptyState } from "../../../../components/states";
import { type Invoice, useInvoiceArtwork, useMyPurchases } from "../../../../hooks/api/payment";
import { useI18n } from "../../../../i18n";
import { documentKind, receiptHref } from "../lib/invoices";
import { InvoiceFigures, InvoiceStatusBadge } from "./invoice-figures";

function PurchaseRow({ invoice }: { invoice: Invoice }) {
  const { t, date, dateTime } = useI18n();
  const art = useInvoiceArtwork(invoice.artworkId);
  const title = art.title ?? t("account.bids.untitled");
  const href = `/artworks/${invoice.artworkId}`;
  const kind = documentKind(invoice.status);
  return (
    <Paper component="li" withBorder radius={0} p="md" data-testid="purchase">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Group wrap="nowrap" align="flex-start" gap="md">
          <Box w={{ base: 64, sm: 96 }} style={{ flexShrink: 0 }}>
            <Link
              to={href}
              tabIndex={-1}
              aria-hidden="true"
              style={{ display: "block", color: "inherit", textDecoration: "none" }}
            >
              <ArtworkImage image={art.image} alt="" size="thumb" />
            </Link>
          </Box>
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Anchor component={Link} to={href} fw={600} c="inherit" lineClamp={2}>
              {title}
            </Anchor>
            {art.artist && (
              <Text size="sm" c="dimmed" truncate>
                {art.artist}
              </Text>
            )}
            <Group gap="xs">
              <InvoiceStatusBadge status={invoice.status} />
            </Group>
            <Text size="xs" c="dimmed">
              {t("account.purchases.number")} {invoice.number}
            </Text>
            <Text size="xs" c="dimmed">
              {t("account.purchases.wonAt")} {date(invoice.createdAt)} ·{" "}
              {invoice.paidAt
                ? `${t("account.purchases.paidAt")} ${dateTime(invoice.paidAt)}`
                : t("account.purchases.notPaid")}
            </Text>
          </Stack>
        </Group>
        <Stack gap="xs">
          <InvoiceFigures invoice={invoice} />
          <Group justify="flex-end">
            <Button
              component={Link}
              to={receiptHref(invoice.id)}
              variant="default"
              size="xs"
              aria-label={`${t(kind === "receipt" ? "account.purchases.receipt" : "account.purchases.invoiceDoc")}: ${title}`}
            >
              {t(kind === "receipt" ? "account.purchases.receipt" : "account.purchases.invoiceDoc")}
            </Button>
          </Group>
        </Stack>
      </SimpleGrid>
      {invoice.status === "PAYMENT_FAILED" && (
        <Alert color="red" variant="light" mt="md" role="note">
          {t("account.purchases.failedHelp")}
        </Alert>
      )}
    </Paper>
  );
}

export function PurchasesSection() {
  const { t } = useI18n();
  const q = useMyPurchases();
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Box component="section" aria-labelledby="purchases-title">
      <Title order={2} size="h3" id="purchases-title">
        {t("account.purchases.title")}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t("account.purchases.intro")}
      </Text>
      <ListStates
        query={q}
        count={items.length}
        empty={<EmptyState>{t("account.purchases.empty")}</EmptyState>}
        more={q}
        moreGap="xl"
      >
        <Stack component="ul" gap="md" p={0} m={0} style={{ listStyle: "none" }} data-testid="purchases">
          {items.map((inv) => (
            <PurchaseRow key={inv.id} invoice={inv} />
          ))}
        </Stack>
      </ListStates>
    </Box>
  );
}
