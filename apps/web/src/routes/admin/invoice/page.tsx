import { RefundBody } from "@arte/contracts/payment.js";
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorState, isNotFound, NotFound, PageLoader } from "../../../components/states";
import {
  type AdminInvoiceDetail,
  useAdminInvoice,
  useOfferRunnerUp,
  useRefundInvoice,
  useRetryInvoice,
} from "../../../hooks/api/admin";
import { useI18n } from "../../../i18n";
import { newIdempotencyKey } from "../../../lib/api-client";
import { issuesByPath } from "../shared/forms";
import { bpsToPercent, refundable, wonOf } from "../shared/money";
import {
  ArtworkTitle,
  InvoiceStatusBadge,
  MutationError,
  RowsTable,
  TONE,
  useFieldMessages,
} from "../shared/ui";

function RefundForm({ invoice }: { invoice: AdminInvoiceDetail }) {
  const { t, won } = useI18n();
  const messages = useFieldMessages();
  const max = refundable(invoice);
  const [amount, setAmount] = useState<number | string>(max);
  const [reason, setReason] = useState("");
  // One refund intent, one Idempotency-Key: kept while the admin retries the same amount and reason,
  // renewed when they change either (a different refund) or after one succeeds.
  const [key, setKey] = useState(newIdempotencyKey);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const refund = useRefundInvoice();
  const change =
    <V,>(fn: (v: V) => void) =>
    (v: V) => {
      fn(v);
      if (refund.isError) setKey(newIdempotencyKey());
    };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { amount: wonOf(amount), reason: reason.trim() };
    const errs = messages(issuesByPath(RefundBody, body));
    if (!errs.amount && (body.amount ?? 0) > max) errs.amount = t("admin.refund.tooMuch", { max: won(max) });
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    refund.mutate(
      { id: invoice.id, body: body as RefundBody, key },
      {
        onSuccess: (r) => {
          notifications.show({
            message: r.status === "COMPLETED" ? t("admin.refund.done") : t("admin.refund.pending"),
            color: r.status === "FAILED" ? "red" : "green",
          });
          setKey(newIdempotencyKey());
          setReason("");
        },
      },
    );
  };
  return (
    <Card withBorder component="section" aria-labelledby="refund-title">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={3} id="refund-title">
            {t("admin.refund.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("admin.refund.remaining", { amount: won(max) })}
          </Text>
          <Group align="flex-end">
            <NumberInput
              label={t("admin.refund.amount")}
              required
              value={amount}
              onChange={change(setAmount)}
              error={errors.amount}
              thousandSeparator=","
              allowDecimal={false}
              allowNegative={false}
              suffix=" ₩"
              max={max}
            />
            <Button variant="default" onClick={() => change(setAmount)(max)}>
              {t("admin.refund.full")}
            </Button>
          </Group>
          <Textarea
            label={t("admin.refund.reason")}
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => change(setReason)(e.currentTarget.value)}
            error={errors.reason}
          />
          <MutationError error={refund.error} />
          <Group justify="flex-end">
            <Button type="submit" color="red" loading={refund.isPending} disabled={max === 0}>
              {t("admin.refund.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** One of the invoice's records (refunds, payment attempts) as a titled table, or "empty". */
function RecordSection<T>({
  id,
  title,
  items,
  head,
  row,
}: {
  id: string;
  title: string;
  items: readonly T[];
  head: readonly string[];
  row: (item: T) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section aria-labelledby={id}>
      <Title order={3} id={id} mb="sm">
        {title}
      </Title>
      {items.length === 0 ? (
        <Text c="dimmed">{t("common.empty")}</Text>
      ) : (
        <RowsTable items={items} head={head} row={row} minWidth={560} hover={false} />
      )}
    </section>
  );
}

function FailedActions({ invoice }: { invoice: AdminInvoiceDetail }) {
  const { t } = useI18n();
  const retry = useRetryInvoice();
  const offer = useOfferRunnerUp();
  return (
    <Card withBorder component="section" aria-labelledby="failed-title">
      <Stack>
        <Title order={3} id="failed-title">
          {t("admin.invoice.failedTitle")}
        </Title>
        <Text size="sm">
          {invoice.lastErrorCode ?? "—"}: {invoice.lastError ?? ""}
        </Text>
        <Group>
          <Button
            loading={retry.isPending}
            onClick={() =>
              retry.mutate(
                { id: invoice.id },
                {
                  onSuccess: (r) =>
                    notifications.show({ message: t("admin.invoice.retried", { status: r.status }) }),
                },
              )
            }
          >
            {t("admin.invoice.retry")}
          </Button>
          <Button
            variant="default"
            loading={offer.isPending}
            disabled={invoice.runnerUpOffer !== null}
            onClick={() => {
              if (window.confirm(t("admin.invoice.offerConfirm")))
                offer.mutate(
                  { id: invoice.id },
                  { onSuccess: () => notifications.show({ message: t("admin.invoice.offered") }) },
                );
            }}
          >
            {t("admin.invoice.offer")}
          </Button>
        </Group>
        <MutationError error={retry.error ?? offer.error} />
      </Stack>
    </Card>
  );
}

/** One invoice: figures, parties, payment attempts, refunds; retry, runner-up offer or refund. */
export function AdminInvoicePage() {
  const { t, won, dateTime } = useI18n();
  const { id } = useParams();
  const q = useAdminInvoice(id);
  if (q.isPending) return <PageLoader />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <NotFound message={t("admin.invoice.notFound")} />
    ) : (
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    );
  const inv = q.data;
  const facts: [string, React.ReactNode][] = [
    [t("admin.artwork"), <ArtworkTitle key="a" id={inv.artworkId} />],
    [
      t("admin.lot.title"),
      <Link key="l" to={`/admin/lots/${inv.lotId}`}>
        {inv.lotId}
      </Link>,
    ],
    [t("admin.invoice.hammer"), won(inv.hammer)],
    [t("admin.invoice.premium"), `${won(inv.premium)} (${bpsToPercent(inv.premiumBps)} %)`],
    [t("admin.invoice.total"), won(inv.total)],
    [t("admin.invoice.refunded"), won(inv.refundedTotal)],
    [t("admin.invoice.buyer"), inv.buyerUserId],
    [t("admin.invoice.seller"), inv.sellerUserId ?? inv.sellerAccountId],
    [t("admin.invoice.createdAt"), dateTime(inv.createdAt)],
    [t("admin.invoice.paidAt"), inv.paidAt ? dateTime(inv.paidAt) : "—"],
    [t("admin.invoice.attempts"), String(inv.attempts)],
    [t("admin.invoice.nextAttempt"), inv.nextAttemptAt ? dateTime(inv.nextAttemptAt) : "—"],
  ];
  return (
    <Stack gap="xl">
      <Group justify="space-between">
        <Title order={2}>{t("admin.invoice.title", { number: inv.number })}</Title>
        <InvoiceStatusBadge status={inv.status} />
      </Group>
      <Table variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          {facts.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w="40%">{k}</Table.Th>
              <Table.Td style={{ overflowWrap: "anywhere" }}>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {inv.status === "PAYMENT_FAILED" && <FailedActions invoice={inv} />}
        {(inv.status === "PAID" || inv.status === "PARTIALLY_REFUNDED") && <RefundForm invoice={inv} />}
      </SimpleGrid>
      {inv.runnerUpOffer && (
        <Alert color="blue" title={t("admin.invoice.offerTitle")}>
          {t("admin.invoice.offerBody", {
            user: inv.runnerUpOffer.userId,
            total: won(inv.runnerUpOffer.total),
            at: dateTime(inv.runnerUpOffer.createdAt),
          })}
        </Alert>
      )}
      <RecordSection
        id="refunds-title"
        title={t("admin.refund.list")}
        items={inv.refunds}
        head={[
          t("admin.invoice.createdAt"),
          t("admin.refund.amount"),
          t("admin.refund.reason"),
          t("admin.invoice.status"),
        ]}
        row={(r) => (
          <Table.Tr key={r.id}>
            <Table.Td>{dateTime(r.createdAt)}</Table.Td>
            <Table.Td>{won(r.amount)}</Table.Td>
            <Table.Td>{r.reason}</Table.Td>
            <Table.Td>
              <Badge
                color={r.status === "FAILED" ? TONE.bad : r.status === "PENDING" ? TONE.warn : TONE.good}
              >
                {r.status}
              </Badge>
              {r.error && (
                <Text size="xs" c="red">
                  {r.error}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        )}
      />
      <RecordSection
        id="attempts-title"
        title={t("admin.invoice.attemptList")}
        items={inv.paymentAttempts}
        head={[
          t("admin.invoice.createdAt"),
          t("admin.invoice.attemptKind"),
          t("admin.invoice.outcome"),
          t("admin.invoice.lastError"),
        ]}
        row={(a) => (
          <Table.Tr key={a.id}>
            <Table.Td>{dateTime(a.at)}</Table.Td>
            <Table.Td>{a.kind}</Table.Td>
            <Table.Td>{a.outcome}</Table.Td>
            <Table.Td>{a.errorCode ? `${a.errorCode}: ${a.error ?? ""}` : "—"}</Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
