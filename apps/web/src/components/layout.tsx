import {
  ActionIcon,
  Anchor,
  Box,
  Burger,
  Button,
  Container,
  Divider,
  Drawer,
  Group,
  Menu,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { type FormEvent, Suspense, useEffect, useRef, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { type Locale, useI18n } from "../i18n";
import { useAuth } from "../lib/auth";
import { MoonIcon, SearchIcon, SunIcon, UserIcon } from "./icons";
import { LiveToasts } from "./live-toasts";
import { NotificationBell, NotificationsLink } from "./notification-bell";
import { PageLoader } from "./states";

function Wordmark() {
  return (
    <Anchor component={Link} to="/" underline="never" c="inherit">
      <Text component="span" className="arte-display" fz={{ base: 24, sm: 28 }} fw={600} lh={1}>
        Arte Moderni
      </Text>
    </Anchor>
  );
}

function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  const other: Locale = locale === "ko" ? "en" : "ko";
  return (
    <Button
      variant="subtle"
      size="compact-sm"
      onClick={() => setLocale(other)}
      lang={other}
      aria-label={`${other === "en" ? "EN" : "한국어"} — ${t("locale.label")}: ${t(`locale.${other}`)}`}
    >
      {other === "en" ? "EN" : "한국어"}
    </Button>
  );
}

function SchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light");
  const { t } = useI18n();
  return (
    <ActionIcon
      variant="subtle"
      size="lg"
      aria-label={t("theme.toggle")}
      onClick={() => setColorScheme(scheme === "dark" ? "light" : "dark")}
    >
      {scheme === "dark" ? <SunIcon /> : <MoonIcon />}
    </ActionIcon>
  );
}

function HeaderSearch() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [q, setQ] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(q.trim() ? `/artworks?q=${encodeURIComponent(q.trim())}` : "/artworks");
  };
  return (
    <search aria-label={t("nav.search")}>
      <form onSubmit={submit}>
        <TextInput
          size="sm"
          w={{ base: "100%", md: 260 }}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          placeholder={t("nav.searchPlaceholder")}
          aria-label={t("nav.search")}
          leftSection={<SearchIcon size={16} />}
        />
      </form>
    </search>
  );
}

function AccountMenu() {
  const { user, logout } = useAuth();
  const { t } = useI18n();
  const navigate = useNavigate();
  if (!user)
    return (
      <Group gap="xs" visibleFrom="sm">
        <Button component={Link} to="/login" variant="subtle" size="compact-md">
          {t("nav.login")}
        </Button>
        <Button component={Link} to="/register" size="compact-md">
          {t("nav.register")}
        </Button>
      </Group>
    );
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`${t("nav.account")}: ${user.username}`} visibleFrom="sm">
          <Group gap={6}>
            <UserIcon />
            <Text size="sm">{user.username}</Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to="/me">
          {t("nav.myPage")}
        </Menu.Item>
        <Menu.Item component={Link} to="/me?tab=bids">
          {t("account.tab.bids")}
        </Menu.Item>
        <Menu.Item component={Link} to="/me?tab=purchases">
          {t("account.tab.purchases")}
        </Menu.Item>
        {user.role === "ADMIN" && (
          <Menu.Item component={Link} to="/admin/users">
            {t("nav.admin")}
          </Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item
          onClick={async () => {
            await logout();
            navigate("/");
          }}
        >
          {t("nav.logout")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function NavLinks({ onNavigate, direction }: { onNavigate?: () => void; direction: "row" | "column" }) {
  const { t } = useI18n();
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const links: { to: string; label: string }[] = [
    { to: "/", label: t("nav.home") },
    { to: "/artworks", label: t("nav.browse") },
    ...(user ? [{ to: "/me", label: t("nav.myPage") }] : []),
    ...(user?.role === "ADMIN" ? [{ to: "/admin/users", label: t("nav.admin") }] : []),
  ];
  const Wrap = direction === "row" ? Group : Stack;
  return (
    <Wrap gap={direction === "row" ? "lg" : "md"}>
      {links.map((l) => (
        <Anchor
          key={l.to}
          component={NavLink}
          to={l.to}
          end={l.to === "/"}
          onClick={onNavigate}
          c="inherit"
          underline="never"
          size={direction === "row" ? "sm" : "lg"}
          style={({ isActive }: { isActive: boolean }) => ({ fontWeight: isActive ? 700 : 400 })}
        >
          {l.label}
        </Anchor>
      ))}
      {direction === "column" &&
        (user ? (
          <Anchor
            component="button"
            type="button"
            c="inherit"
            size="lg"
            ta="left"
            onClick={async () => {
              onNavigate?.();
              await logout();
              navigate("/");
            }}
          >
            {t("nav.logout")}
          </Anchor>
        ) : (
          <>
            <Anchor component={Link} to="/login" onClick={onNavigate} c="inherit" size="lg">
              {t("nav.login")}
            </Anchor>
            <Anchor component={Link} to="/register" onClick={onNavigate} c="inherit" size="lg">
              {t("nav.register")}
            </Anchor>
          </>
        ))}
    </Wrap>
  );
}

export function AppLayout() {
  const { t } = useI18n();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // Move focus to the page on client-side navigation, as a full page load would (screen readers).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every path change by design
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }, [location.pathname]);

  return (
    <Box mih="100vh" style={{ display: "flex", flexDirection: "column" }}>
      <LiveToasts />
      <a href="#main" className="arte-skip">
        {t("app.skip")}
      </a>
      <Box component="header" className="arte-hairline" py="md">
        <Container size="xl">
          <Group justify="space-between" wrap="nowrap" gap="sm">
            <Group gap="xl" wrap="nowrap">
              <Wordmark />
              <Box component="nav" aria-label={t("nav.main")} visibleFrom="md">
                <NavLinks direction="row" />
              </Box>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <Box visibleFrom="md">
                <HeaderSearch />
              </Box>
              <ActionIcon
                component={Link}
                to="/artworks"
                variant="subtle"
                size="lg"
                hiddenFrom="md"
                aria-label={t("nav.search")}
              >
                <SearchIcon />
              </ActionIcon>
              <LocaleSwitch />
              <SchemeToggle />
              <NotificationBell visibleFrom="xs" />
              <AccountMenu />
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.menu")} />
            </Group>
          </Group>
        </Container>
      </Box>
      <Drawer opened={opened} onClose={close} title={t("app.name")} size="80%" hiddenFrom="sm">
        <Box component="nav" aria-label={t("nav.main")}>
          <NavLinks direction="column" onNavigate={close} />
        </Box>
        <Box mt="md">
          <NotificationsLink onNavigate={close} />
        </Box>
        <Divider my="lg" />
        <HeaderSearch />
      </Drawer>
      <Box component="main" id="main" tabIndex={-1} ref={main} className="arte-main" style={{ flex: 1 }}>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </Box>
      <Box component="footer" py="xl" mt="xl" style={{ borderTop: "1px solid var(--arte-rule)" }}>
        <Container size="xl">
          <Text size="sm" c="dimmed">
            {t("footer.note")}
          </Text>
          <VisuallyHidden>{t("app.tagline")}</VisuallyHidden>
        </Container>
      </Box>
    </Box>
  );
}
