import { ForgotPasswordBody } from "@arte/contracts/users.js";
import { Alert, Button, Container, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useI18n } from "../../../i18n";
import { api } from "../../../lib/api-client";
import { fieldErrors } from "../../../lib/forms";

export function ForgotPasswordPage() {
  const { t, te, locale } = useI18n();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Container size={440} py={64}>
      <Title order={1} mb="sm">
        {t("forgot.title")}
      </Title>
      <Text c="dimmed" mb="xl">
        {t("forgot.body")}
      </Text>
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const errs = fieldErrors(ForgotPasswordBody, { email, locale }, t);
          setErrors(errs);
          if (Object.keys(errs).length) return;
          setBusy(true);
          setError(null);
          try {
            await api("users", "forgotPassword", { body: { email, locale } });
            navigate(`/reset-password?email=${encodeURIComponent(email.trim())}&sent=1`);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <TextInput
            label={t("field.email")}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.email}
          />
          {error !== null && (
            <Alert color="red" role="alert">
              {te(error)}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {t("forgot.submit")}
          </Button>
        </Stack>
      </form>
    </Container>
  );
}
