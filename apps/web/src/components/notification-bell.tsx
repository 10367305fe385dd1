/**
 * The header's notification bell: the unread count of the signed-in user, polled about every 30 s,
 * linking to the notifications tab of my page. `NotificationsLink` is the same in the mobile drawer.
 */
import { ActionIcon, Anchor, Badge, Group, Indicator, VisuallyHidden } from "@mantine/core";
import { Link } from "react-router";
import { useUnreadCount } from "../hooks/api/notification";
import { useI18n } from "../i18n";
import { useAuth } from "../lib/auth";
import { badgeCount } from "../routes/account/my-page/lib/notifications";

const HREF = "/me?tab=notifications";

function BellIcon({ size = 20 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

function useBadge() {
  const { user } = useAuth();
  const q = useUnreadCount(Boolean(user));
  return { user, count: badgeCount(q.data?.count) };
}

export function NotificationBell({ visibleFrom }: { visibleFrom?: "xs" | "sm" | "md" }) {
  const { t } = useI18n();
  const { user, count } = useBadge();
  if (!user) return null;
  return (
    <Indicator
      label={count}
      disabled={!count}
      size={16}
      color="red.9"
      offset={6}
      visibleFrom={visibleFrom}
      styles={{ indicator: { fontSize: 10, paddingInline: 4 } }}
    >
      <ActionIcon
        component={Link}
        to={HREF}
        variant="subtle"
        size="lg"
        aria-label={count ? t("account.bell.labelCount", { n: count }) : t("account.bell.label")}
        data-testid="notification-bell"
      >
        <BellIcon />
      </ActionIcon>
    </Indicator>
  );
}

export function NotificationsLink({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { user, count } = useBadge();
  if (!user) return null;
  return (
    <Anchor component={Link} to={HREF} onClick={onNavigate} c="inherit" size="lg" underline="never">
      <Group gap="xs" component="span">
        <span>{t("account.bell.label")}</span>
        {count && (
          <>
            <Badge color="red.9" size="sm" radius="xl" aria-hidden="true">
              {count}
            </Badge>
            <VisuallyHidden>{t("account.bell.unread", { n: count })}</VisuallyHidden>
          </>
        )}
      </Group>
    </Anchor>
  );
}
