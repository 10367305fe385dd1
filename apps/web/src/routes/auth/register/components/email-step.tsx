import { ConfirmEmailCodeBody, RequestEmailCodeBody } from "@arte/contracts/users.js";
import { Alert, Anchor, Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useI18n } from "../../../../i18n";
import { api } from "../../../../lib/api-client";
import { fieldErrors } from "../../../../lib/forms";
import { formatDuration, useNow } from "../../../../lib/time";

type Sent = { email: string; at: number; expiresInSeconds: number; resendAfterSeconds: number };

/** Step 1: the emailed 6-digit code, with its expiry countdown and a resend cooldown. */
export function EmailStep({ onVerified }: { onVerified: (email: string, token: string) => void }) {
  const { t, te, locale } = useI18n();
  const now = useNow(1000);
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [sent, setSent] = useState<Sent | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    const errs = fieldErrors(RequestEmailCodeBody, { email, locale }, t);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api("users", "requestEmailCode", { body: { email, locale } });
      setSent({
        email,
        at: Date.now(),
        expiresInSeconds: r.expiresInSeconds,
        resendAfterSeconds: r.resendAfterSeconds,
      });
      setCode("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const verify = async () => {
    if (!sent) return;
    const errs = fieldErrors(ConfirmEmailCodeBody, { email: sent.email, code }, t);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api("users", "confirmEmailCode", { body: { email: sent.email, code: code.trim() } });
      onVerified(sent.email, r.verificationToken);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const left = sent ? sent.at + sent.expiresInSeconds * 1000 - now : 0;
  const resendIn = sent ? Math.ceil((sent.at + sent.resendAfterSeconds * 1000 - now) / 1000) : 0;

  return (
    <Stack gap="md">
      {!sent ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
          noValidate
        >
          <Stack gap="md">
            <TextInput
              label={t("field.email")}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={errors.email}
            />
            <Button type="submit" loading={busy}>
              {t("register.sendCode")}
            </Button>
          </Stack>
        </form>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void verify();
          }}
          noValidate
        >
          <Stack gap="md">
            <Text role="status">{t("register.codeSent", { email: sent.email })}</Text>
            <TextInput
              label={t("field.code")}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ""))}
              error={errors.code}
              description={
                left > 0 ? t("register.expiresIn", { time: formatDuration(left) }) : t("register.expired")
              }
            />
            <Button type="submit" loading={busy} disabled={left <= 0}>
              {t("register.verify")}
            </Button>
            <Group justify="space-between">
              <Button
                variant="subtle"
                size="compact-sm"
                onClick={() => void send()}
                disabled={resendIn > 0 || busy}
              >
                {resendIn > 0 ? t("register.resendIn", { s: resendIn }) : t("register.resend")}
              </Button>
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  setSent(null);
                  setError(null);
                }}
              >
                {t("register.changeEmail")}
              </Anchor>
            </Group>
          </Stack>
        </form>
      )}
      {error !== null && (
        <Alert color="red" role="alert">
          {te(error)}
        </Alert>
      )}
    </Stack>
  );
}
