import { Alert, Button, Group, Modal, Stack, Table, Text } from "@mantine/core";
import { useI18n } from "../../../../i18n";
import { bidSummary } from "../../../../lib/bid-math";

export type BidIntent = {
  amount: number;
  maxAmount?: number | undefined;
  /** The leader raising their own maximum (the amount is not a new price). */
  raise: boolean;
  /** One Idempotency-Key per intent, kept across retries of it. */
  key: string;
};

/** The confirmation of one bid: the figures (premium, totals, the bank hold), then place it. */
export function BidConfirm({
  intent,
  premiumBps,
  pending,
  retrying,
  error,
  onConfirm,
  onClose,
}: {
  intent: BidIntent | null;
  premiumBps: number;
  pending: boolean;
  /** The last try got no answer: the same intent (same key) is tried again. */
  retrying: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t, won } = useI18n();
  const s = intent ? bidSummary(intent.amount, intent.maxAmount, premiumBps) : null;
  const rate = (premiumBps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 });
  const rows: [string, number, boolean?][] = !s
    ? []
    : intent?.raise
      ? [
          [t("lot.confirm.maximum"), s.maximum ?? s.amount],
          [t("lot.confirm.premium", { rate }), s.premiumAtMaximum ?? s.premium],
          [t("lot.confirm.totalAtMaximum"), s.totalAtMaximum ?? s.total],
        ]
      : [
          [t("lot.confirm.amount"), s.amount],
          ...(s.maximum !== null ? ([[t("lot.confirm.maximum"), s.maximum]] as [string, number][]) : []),
          [t("lot.confirm.premium", { rate }), s.premium],
          [t("lot.confirm.total"), s.total],
          ...(s.totalAtMaximum !== null
            ? ([[t("lot.confirm.totalAtMaximum"), s.totalAtMaximum]] as [string, number][])
            : []),
        ];
  return (
    <Modal
      opened={intent !== null}
      onClose={onClose}
      title={intent?.raise ? t("lot.confirm.raiseTitle") : t("lot.confirm.title")}
      centered
      closeOnClickOutside={!pending}
    >
      {s && (
        <Stack gap="md">
          <Table variant="vertical" withRowBorders={false} layout="fixed">
            <Table.Tbody>
              {rows.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th fw={400} c="dimmed" w="60%">
                    {label}
                  </Table.Th>
                  <Table.Td ta="right" style={{ fontVariantNumeric: "tabular-nums" }}>
                    {won(value)}
                  </Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr style={{ borderTop: "1px solid var(--arte-rule)" }}>
                <Table.Th fw={700}>{t("lot.confirm.hold")}</Table.Th>
                <Table.Td
                  ta="right"
                  fw={700}
                  data-testid="bid-hold"
                  style={{ fontVariantNumeric: "tabular-nums" }}
                >
                  {won(s.hold)}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text size="sm" c="dimmed">
            {t("lot.confirm.holdNote")}
          </Text>
          {error && (
            <Alert color="red" role="alert">
              {error}
              {retrying && (
                <Text size="sm" mt={4}>
                  {t("lot.confirm.retryNote")}
                </Text>
              )}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={pending}>
              {t("common.cancel")}
            </Button>
            <Button onClick={onConfirm} loading={pending} data-autofocus>
              {retrying
                ? t("common.retry")
                : intent?.raise
                  ? t("lot.confirm.submitRaise")
                  : t("lot.confirm.submit")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
