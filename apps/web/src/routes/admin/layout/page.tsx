import { Anchor, Container, Group, Title } from "@mantine/core";
import { NavLink, Outlet, useMatch } from "react-router";
import { type MessageKey, useI18n } from "../../../i18n";
import { RequireAuth } from "../../../lib/auth";

/** The back office's sections, in the order staff work through them. */
const SECTIONS: { to: string; label: MessageKey; end?: boolean }[] = [
  { to: "/admin", label: "admin.dashboard", end: true },
  { to: "/admin/artists", label: "admin.artists" },
  { to: "/admin/artworks", label: "admin.artworks" },
  { to: "/admin/lots", label: "admin.lots" },
  { to: "/admin/payments", label: "admin.payments" },
  { to: "/admin/bids", label: "admin.bids" },
  { to: "/admin/users", label: "admin.users" },
];

/** A section link; NavLink sets aria-current on the current one, which is also shown in bold. */
function SectionLink({ to, end, children }: { to: string; end?: boolean | undefined; children: string }) {
  const active = useMatch({ path: to, end: end ?? false }) !== null;
  return (
    <Anchor
      component={NavLink}
      to={to}
      end={end}
      c="inherit"
      fw={active ? 700 : 400}
      underline={active ? "always" : "hover"}
    >
      {children}
    </Anchor>
  );
}

/** The admin shell: only admins get past RequireAuth; the API checks the role again. */
export function AdminLayout() {
  const { t } = useI18n();
  return (
    <RequireAuth admin>
      <Container size="xl" py="xl">
        <Group justify="space-between" mb="xl" className="arte-hairline" pb="md">
          <Title order={1}>{t("admin.title")}</Title>
          <nav aria-label={t("admin.title")}>
            <Group gap="md">
              {SECTIONS.map((s) => (
                <SectionLink key={s.to} to={s.to} end={s.end}>
                  {t(s.label)}
                </SectionLink>
              ))}
            </Group>
          </nav>
        </Group>
        <Outlet />
      </Container>
    </RequireAuth>
  );
}
