import { LinkBankAccountBody, OpenDemoAccountBody } from "@arte/contracts/users.js";
import {
  Alert,
  Button,
  Divider,
  Group,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useRef, useState } from "react";
import { ErrorState, PageLoader } from "../../../../components/states";
import {
  type MyBankAccount,
  useBankAccount,
  useLinkBankAccount,
  useOpenDemoAccount,
  useTopUp,
  useUnlinkBankAccount,
} from "../../../../hooks/api/users";
import { useI18n } from "../../../../i18n";
import { newIdempotencyKey } from "../../../../lib/api-client";
import { fieldErrors } from "../../../../lib/forms";

function Linked({ account }: { account: MyBankAccount }) {
  const { t, te, won, date } = useI18n();
  const unlink = useUnlinkBankAccount();
  const topUp = useTopUp();
  const [confirming, setConfirming] = useState(false);
  const figures: [string, number, string][] = [
    [t("me.balance"), account.posted, "balance"],
    [t("me.held"), account.held, "held"],
    [t("me.available"), account.available, "available"],
  ];
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={600} data-testid="account-number">
            {account.number}
          </Text>
          <Text size="sm" c="dimmed">
            {t("me.holder")}: {account.holderName} · {t("me.linkedAt")}: {date(account.linkedAt)}
          </Text>
        </div>
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 3 }}>
        {figures.map(([label, value, id]) => (
          <div key={id}>
            <Text size="sm" c="dimmed">
              {label}
            </Text>
            <Text fz="xl" fw={600} className="arte-display" data-testid={`bank-${id}`}>
              {won(value)}
            </Text>
          </div>
        ))}
      </SimpleGrid>
      <Group>
        <Button variant="default" size="xs" loading={topUp.isPending} onClick={() => topUp.mutate(1_000_000)}>
          {t("me.topUp")}
        </Button>
        {confirming ? (
          <Group gap="xs">
            <Text size="sm">{t("me.unlinkConfirm")}</Text>
            <Button
              color="red"
              size="xs"
              loading={unlink.isPending}
              onClick={() =>
                unlink.mutate(undefined, {
                  onSuccess: () => notifications.show({ message: t("me.unlinked") }),
                  onSettled: () => setConfirming(false),
                })
              }
            >
              {t("common.confirm")}
            </Button>
            <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
              {t("common.cancel")}
            </Button>
          </Group>
        ) : (
          <Button variant="subtle" color="red" size="xs" onClick={() => setConfirming(true)}>
            {t("me.unlink")}
          </Button>
        )}
      </Group>
      {(unlink.isError || topUp.isError) && (
        <Alert color="red" role="alert">
          {te(unlink.error ?? topUp.error)}
        </Alert>
      )}
    </Stack>
  );
}

function NotLinked() {
  const { t, te } = useI18n();
  const link = useLinkBankAccount();
  const demo = useOpenDemoAccount();
  const [accountNumber, setNumber] = useState("");
  const [pin, setPin] = useState("");
  const [demoPin, setDemoPin] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [demoErrors, setDemoErrors] = useState<Record<string, string>>({});
  // one key per demo-account intent, kept while the PIN is unchanged (a retry is the same request)
  const demoKey = useRef<{ pin: string; key: string } | null>(null);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xl">
      <form
        noValidate
        aria-labelledby="link-title"
        onSubmit={(e) => {
          e.preventDefault();
          const errs = fieldErrors(LinkBankAccountBody, { accountNumber, pin }, t);
          setErrors(errs);
          if (Object.keys(errs).length) return;
          link.mutate(
            { accountNumber: accountNumber.trim(), pin },
            { onSuccess: () => notifications.show({ message: t("me.linked"), color: "green" }) },
          );
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h5" id="link-title">
            {t("me.linkTitle")}
          </Title>
          <TextInput
            label={t("field.accountNumber")}
            placeholder="1002-123-456789"
            value={accountNumber}
            onChange={(e) => setNumber(e.currentTarget.value)}
            error={errors.accountNumber}
            required
          />
          <PasswordInput
            label={t("field.pin")}
            inputMode="numeric"
            value={pin}
            onChange={(e) => setPin(e.currentTarget.value)}
            error={errors.pin}
            required
          />
          {link.isError && (
            <Alert color="red" role="alert">
              {te(link.error)}
            </Alert>
          )}
          <Button type="submit" loading={link.isPending}>
            {t("me.link")}
          </Button>
        </Stack>
      </form>
      <form
        noValidate
        aria-labelledby="demo-title"
        onSubmit={(e) => {
          e.preventDefault();
          const errs = fieldErrors(OpenDemoAccountBody, { pin: demoPin }, t);
          setDemoErrors(errs);
          if (Object.keys(errs).length) return;
          if (demoKey.current?.pin !== demoPin) demoKey.current = { pin: demoPin, key: newIdempotencyKey() };
          demo.mutate(
            { pin: demoPin, key: demoKey.current.key },
            { onSuccess: () => notifications.show({ message: t("me.linked"), color: "green" }) },
          );
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h5" id="demo-title">
            {t("me.demoTitle")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("me.demoBody")}
          </Text>
          <PasswordInput
            label={t("field.pin")}
            inputMode="numeric"
            value={demoPin}
            onChange={(e) => setDemoPin(e.currentTarget.value)}
            error={demoErrors.pin}
            required
          />
          {demo.isError && (
            <Alert color="red" role="alert">
              {te(demo.error)}
            </Alert>
          )}
          <Button type="submit" variant="default" loading={demo.isPending}>
            {t("me.openDemo")}
          </Button>
        </Stack>
      </form>
    </SimpleGrid>
  );
}

export function BankAccountCard() {
  const { t } = useI18n();
  const q = useBankAccount();
  return (
    <Paper withBorder p="lg" radius={0} component="section" aria-labelledby="bank-title">
      <Title order={2} size="h3" id="bank-title">
        {t("me.bank")}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t("me.bankIntro")}
      </Text>
      <Divider mb="md" />
      {q.isPending && <PageLoader />}
      {q.isError && <ErrorState error={q.error} onRetry={() => void q.refetch()} />}
      {q.isSuccess && (q.data ? <Linked account={q.data} /> : <NotLinked />)}
    </Paper>
  );
}
