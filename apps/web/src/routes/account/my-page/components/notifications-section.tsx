import { Alert, Anchor, Box, Button, Group, Paper, Stack, Switch, Text, Title } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { useState } from "react";
import { Link } from "react-router";
import { ListStates } from "../../../../components/paged";
import { EmptyState } from "../../../../components/states";
import {
  type InAppNotification,
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
  useNotifications,
  useUnreadCount,
} from "../../../../hooks/api/notification";
import { type MessageKey, useI18n } from "../../../../i18n";
import { notificationView } from "../lib/notifications";

function NotificationRow({ n }: { n: InAppNotification }) {
  const { t, te, won, dateTime, label } = useI18n();
  const markRead = useMarkNotificationRead();
  const view = notificationView(n, { won, dateTime, label, untitled: t("account.notif.untitled") });
  const text = t(view.key as MessageKey, view.vars);
  const read = () => {
    if (view.unread && !markRead.isPending) markRead.mutate(n.id);
  };
  return (
    <Paper
      component="li"
      withBorder
      radius={0}
      p="sm"
      data-testid="notification"
      data-unread={view.unread || undefined}
      style={view.unread ? { borderLeft: "3px solid var(--mantine-color-red-9)" } : undefined}
    >
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
          <Text size="xs" c="dimmed">
            {t(`account.notif.kind.${n.kind}` as MessageKey)} ·{" "}
            <time dateTime={n.createdAt}>{dateTime(n.createdAt)}</time>
          </Text>
          {view.unread && (
            <Text size="xs" fw={700} c="red.9" style={{ whiteSpace: "nowrap" }}>
              {t("account.notif.unread")}
            </Text>
          )}
        </Group>
        <Text size="sm" fw={view.unread ? 600 : 400}>
          {text}
        </Text>
        <Group gap="sm">
          {view.href && (
            <Anchor component={Link} to={view.href} size="sm" onClick={read}>
              {t("account.notif.open")}
            </Anchor>
          )}
          {view.unread && (
            <Button
              size="compact-xs"
              variant="subtle"
              loading={markRead.isPending}
              onClick={read}
              aria-label={`${t("account.notif.markRead")}: ${text}`}
            >
              {t("account.notif.markRead")}
            </Button>
          )}
        </Group>
        {markRead.isError && (
          <Text size="xs" c="red.9" role="alert">
            {te(markRead.error)}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

export function NotificationsSection() {
  const { t, te } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const q = useNotifications(unreadOnly);
  const count = useUnreadCount(true);
  const markAll = useMarkAllNotificationsRead();
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = count.data?.count ?? 0;
  return (
    <Box component="section" aria-labelledby="notifications-title">
      <Group justify="space-between" align="flex-end" mb="md" gap="sm">
        <Title order={2} size="h3" id="notifications-title">
          {t("account.notif.title")}
        </Title>
        <Group gap="md">
          <Switch
            size="sm"
            label={t("account.notif.unreadOnly")}
            checked={unreadOnly}
            onChange={(e) => setUnreadOnly(e.currentTarget.checked)}
          />
          <Button
            size="xs"
            variant="default"
            disabled={unread === 0}
            loading={markAll.isPending}
            onClick={() =>
              markAll.mutate(undefined, {
                onSuccess: () => toasts.show({ message: t("account.notif.allRead") }),
              })
            }
          >
            {t("account.notif.markAll")}
          </Button>
        </Group>
      </Group>
      {markAll.isError && (
        <Alert color="red" role="alert" mb="md">
          {te(markAll.error)}
        </Alert>
      )}
      <ListStates
        query={q}
        count={items.length}
        empty={<EmptyState>{t(unreadOnly ? "account.notif.emptyUnread" : "account.notif.empty")}</EmptyState>}
        more={q}
        moreGap="xl"
      >
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }} data-testid="notifications">
          {items.map((n) => (
            <NotificationRow key={n.id} n={n} />
          ))}
        </Stack>
      </ListStates>
    </Box>
  );
}
