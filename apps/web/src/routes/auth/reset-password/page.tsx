import { ResetPasswordBody } from "@arte/contracts/users.js";
import { Alert, Button, Container, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useI18n } from "../../../i18n";
import { api } from "../../../lib/api-client";
import { fieldErrors } from "../../../lib/forms";

export function ResetPasswordPage() {
  const { t, te } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { email: params.get("email") ?? "", code: "", newPassword: "" },
    validate: (v) => fieldErrors(ResetPasswordBody, v, t),
  });
  const submit = form.onSubmit(async (v) => {
    setError(null);
    try {
      await api("users", "resetPassword", { body: v });
      navigate(`/login?reset=1&email=${encodeURIComponent(v.email.trim())}`, { replace: true });
    } catch (err) {
      setError(err);
    }
  });
  return (
    <Container size={440} py={64}>
      <Title order={1} mb="xl">
        {t("reset.title")}
      </Title>
      {params.get("sent") && (
        <Alert color="green" mb="lg" role="status">
          {t("forgot.sent")}
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("field.email")}
            type="email"
            autoComplete="email"
            required
            {...form.getInputProps("email")}
          />
          <TextInput
            label={t("field.code")}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            {...form.getInputProps("code")}
          />
          <PasswordInput
            label={t("field.newPassword")}
            description={t("hint.newPassword")}
            autoComplete="new-password"
            required
            {...form.getInputProps("newPassword")}
          />
          {error !== null && (
            <Alert color="red" role="alert">
              {te(error)}
            </Alert>
          )}
          <Button type="submit" loading={form.submitting}>
            {t("reset.submit")}
          </Button>
        </Stack>
      </form>
    </Container>
  );
}
