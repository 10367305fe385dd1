import { SuspendBody } from "@arte/contracts/users.js";
import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import {
  type AdminUser,
  type AdminUserFilters,
  useAdminUsers,
  useSuspendUser,
} from "../../../hooks/api/users";
import { useI18n } from "../../../i18n";
import { fieldErrors } from "../../../lib/forms";
import { PagedTable, useFilterParams } from "../shared/ui";

function SuspendModal({ user, onClose }: { user: AdminUser | null; onClose: () => void }) {
  const { t, te } = useI18n();
  const suspend = useSuspendUser();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    const errs = fieldErrors(SuspendBody, { reason }, t);
    setError(errs.reason);
    if (errs.reason) return;
    suspend.mutate(
      { id: user.id, suspend: true, reason: reason.trim() },
      {
        onSuccess: () => {
          notifications.show({ message: t("admin.suspended"), color: "green" });
          setReason("");
          onClose();
        },
      },
    );
  };
  return (
    <Modal
      opened={user !== null}
      onClose={onClose}
      title={t("admin.suspendTitle", { name: user?.username ?? "" })}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Textarea
            label={t("field.reason")}
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={error}
            data-autofocus
          />
          {suspend.isError && (
            <Alert color="red" role="alert">
              {te(suspend.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" color="red" loading={suspend.isPending}>
              {t("admin.suspend")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AdminUsersPage() {
  const { t, te, dateTime } = useI18n();
  const { params, update } = useFilterParams();
  const filters: AdminUserFilters = {
    ...(params.get("q") ? { q: params.get("q")! } : {}),
    ...(params.get("status") ? { status: params.get("status") as AdminUserFilters["status"] } : {}),
  };
  const [q, setQ] = useState(filters.q ?? "");
  const list = useAdminUsers(filters);
  const unsuspend = useSuspendUser();
  const [target, setTarget] = useState<AdminUser | null>(null);
  const set = (k: string, v: string) => update({ [k]: v });

  return (
    <Stack>
      <Title order={2}>{t("admin.users")}</Title>
      <Group align="flex-end">
        <search aria-label={t("admin.search")}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              set("q", q.trim());
            }}
          >
            <Group gap="xs" align="flex-end">
              <TextInput
                label={t("admin.search")}
                value={q}
                onChange={(e) => setQ(e.currentTarget.value)}
                type="search"
              />
              <Button type="submit">{t("browse.search")}</Button>
            </Group>
          </form>
        </search>
        <NativeSelect
          label={t("admin.status")}
          value={filters.status ?? ""}
          onChange={(e) => set("status", e.currentTarget.value)}
          data={[
            { value: "", label: t("browse.any") },
            { value: "ACTIVE", label: t("admin.userStatus.ACTIVE") },
            { value: "SUSPENDED", label: t("admin.userStatus.SUSPENDED") },
          ]}
        />
      </Group>
      <PagedTable
        query={list}
        notice={
          unsuspend.isError && (
            <Alert color="red" role="alert">
              {te(unsuspend.error)}
            </Alert>
          )
        }
        minWidth={640}
        head={[
          t("field.username"),
          t("field.email"),
          t("admin.role"),
          t("admin.status"),
          t("admin.lastLogin"),
          t("admin.actions"),
        ]}
        row={(u) => (
          <Table.Tr key={u.id} data-testid={`user-${u.email}`}>
            <Table.Td>{u.username}</Table.Td>
            <Table.Td>{u.email}</Table.Td>
            <Table.Td>{u.role}</Table.Td>
            <Table.Td>
              <Badge color={u.status === "ACTIVE" ? "ink" : "red.9"} variant="outline">
                {t(`admin.userStatus.${u.status}`)}
              </Badge>
              {u.suspendedReason && (
                <Text size="xs" c="dimmed">
                  {u.suspendedReason}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{u.lastLoginAt ? dateTime(u.lastLoginAt) : "—"}</Table.Td>
            <Table.Td>
              {u.status === "ACTIVE" ? (
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  onClick={() => setTarget(u)}
                  aria-label={`${t("admin.suspend")}: ${u.email}`}
                >
                  {t("admin.suspend")}
                </Button>
              ) : (
                <Button
                  size="xs"
                  variant="default"
                  loading={unsuspend.isPending && unsuspend.variables?.id === u.id}
                  onClick={() =>
                    unsuspend.mutate(
                      { id: u.id, suspend: false },
                      { onSuccess: () => notifications.show({ message: t("admin.unsuspended") }) },
                    )
                  }
                  aria-label={`${t("admin.unsuspend")}: ${u.email}`}
                >
                  {t("admin.unsuspend")}
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        )}
      />
      <SuspendModal user={target} onClose={() => setTarget(null)} />
    </Stack>
  );
}
