import { LoginBody } from "@arte/contracts/users.js";
import {
  Alert,
  Anchor,
  Button,
  Container,
  Group,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useI18n } from "../../../i18n";
import { useAuth } from "../../../lib/auth";
import { fieldErrors } from "../../../lib/forms";

/** Only same-site paths are followed after sign-in. */
const safeNext = (next: string | null) => (next?.startsWith("/") && !next.startsWith("//") ? next : "/");

export function LoginPage() {
  const { t, te } = useI18n();
  const { login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { email: params.get("email") ?? "", password: "" },
    validate: (v) => fieldErrors(LoginBody, v, t),
  });
  const notice = params.get("registered")
    ? t("login.registered")
    : params.get("reset")
      ? t("login.resetDone")
      : null;

  const submit = form.onSubmit(async (v) => {
    setError(null);
    try {
      await login(v.email, v.password);
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (err) {
      setError(err);
    }
  });

  return (
    <Container size={440} py={64}>
      <Title order={1} mb="xl">
        {t("login.title")}
      </Title>
      {notice && (
        <Alert color="green" mb="lg" role="status">
          {notice}
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t("field.email")}
            type="email"
            autoComplete="email"
            required
            {...form.getInputProps("email")}
          />
          <PasswordInput
            label={t("field.password")}
            autoComplete="current-password"
            required
            {...form.getInputProps("password")}
          />
          {error !== null && (
            <Alert color="red" role="alert">
              {te(error)}
            </Alert>
          )}
          <Button type="submit" size="md" loading={form.submitting}>
            {t("login.submit")}
          </Button>
          <Group justify="space-between">
            <Anchor component={Link} to="/forgot-password" size="sm">
              {t("login.forgot")}
            </Anchor>
            <Text size="sm">
              {t("login.noAccount")}{" "}
              <Anchor component={Link} to="/register">
                {t("nav.register")}
              </Anchor>
            </Text>
          </Group>
        </Stack>
      </form>
    </Container>
  );
}
