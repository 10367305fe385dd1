import { Anchor, Container, Group, Title } from "@mantine/core";
import { NavLink, Outlet } from "react-router";
import { useI18n } from "../../../i18n";
import { RequireAuth } from "../../../lib/auth";

/** The admin shell: only admins get past RequireAuth; the API checks the role again. */
export function AdminLayout() {
  const { t } = useI18n();
  return (
    <RequireAuth admin>
      <Container size="xl" py="xl">
        <Group justify="space-between" mb="xl" className="arte-hairline" pb="md">
          <Title order={1}>{t("admin.title")}</Title>
          <nav aria-label={t("admin.title")}>
            <Group gap="lg">
              <Anchor component={NavLink} to="/admin/users" c="inherit">
                {t("admin.users")}
              </Anchor>
            </Group>
          </nav>
        </Group>
        <Outlet />
      </Container>
    </RequireAuth>
  );
}
