import { Alert, Button, Center, Container, Loader, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { useI18n } from "../i18n";
import { ApiError } from "../lib/api-client";

export function PageLoader() {
  const { t } = useI18n();
  return (
    <Center py={80} role="status" aria-live="polite">
      <Loader color="ink" aria-hidden="true" />
      <VisuallyHidden>{t("common.loading")}</VisuallyHidden>
    </Center>
  );
}

/** An error in words (by its code), with a retry when one makes sense. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, te } = useI18n();
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <Alert color="red" variant="light" title={t("error.title")} role="alert" my="md">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{te(error)}</Text>
        {requestId && (
          <Text size="xs" c="dimmed">
            {t("common.requestId")}: {requestId}
          </Text>
        )}
        {onRetry && (
          <Button size="xs" variant="default" onClick={onRetry}>
            {t("common.retry")}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ children }: { children?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <Text c="dimmed" py="xl" ta="center">
      {children ?? t("common.empty")}
    </Text>
  );
}

export function NotFound({ message }: { message?: string }) {
  const { t } = useI18n();
  return (
    <Container size="sm" py={80}>
      <Stack align="center" gap="md">
        <Title order={1}>{t("notFound.title")}</Title>
        <Text c="dimmed">{message ?? t("notFound.body")}</Text>
        <Button component={Link} to="/">
          {t("notFound.home")}
        </Button>
      </Stack>
    </Container>
  );
}

/** The router's error element: a failed chunk load or a render error. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  return (
    <Container size="sm" py={80}>
      <ErrorState error={error} onRetry={() => window.location.reload()} />
    </Container>
  );
}

/** 404-ish API errors are "not found" pages; anything else an error state. */
export const isNotFound = (err: unknown) =>
  err instanceof ApiError && (err.status === 404 || (err.status === 400 && err.code === "VALIDATION_FAILED"));
