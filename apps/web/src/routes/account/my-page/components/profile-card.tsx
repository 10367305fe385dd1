import { UpdateMeBody } from "@arte/contracts/users.js";
import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ErrorState, PageLoader } from "../../../../components/states";
import { type Me, useMe, useUpdateMe } from "../../../../hooks/api/users";
import { useI18n } from "../../../../i18n";
import { fieldErrors } from "../../../../lib/forms";

function EditProfile({ me, onDone }: { me: Me; onDone: () => void }) {
  const { t, te } = useI18n();
  const update = useUpdateMe();
  const form = useForm({
    mode: "controlled",
    initialValues: {
      username: me.username,
      phoneNumber: me.phoneNumber,
      postcode: me.postcode,
      address: me.address,
    },
    validate: (v) => fieldErrors(UpdateMeBody, v, t),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) =>
        update.mutate(v, {
          onSuccess: () => {
            notifications.show({ message: t("me.saved"), color: "green" });
            onDone();
          },
        }),
      )}
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("field.username")} required {...form.getInputProps("username")} />
          <TextInput
            label={t("field.phoneNumber")}
            type="tel"
            required
            {...form.getInputProps("phoneNumber")}
          />
          <TextInput label={t("field.postcode")} required {...form.getInputProps("postcode")} />
          <TextInput label={t("field.address")} required {...form.getInputProps("address")} />
        </SimpleGrid>
        {update.isError && (
          <Alert color="red" role="alert">
            {te(update.error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={update.isPending}>
            {t("common.save")}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t("common.cancel")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ProfileCard() {
  const { t, date } = useI18n();
  const q = useMe();
  const [editing, setEditing] = useState(false);
  return (
    <Paper withBorder p="lg" radius={0} component="section" aria-labelledby="profile-title">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h3" id="profile-title">
          {t("me.profile")}
        </Title>
        {q.isSuccess && !editing && (
          <Button variant="subtle" size="xs" onClick={() => setEditing(true)}>
            {t("me.edit")}
          </Button>
        )}
      </Group>
      {q.isPending && <PageLoader />}
      {q.isError && <ErrorState error={q.error} onRetry={() => void q.refetch()} />}
      {q.isSuccess &&
        (editing ? (
          <EditProfile me={q.data} onDone={() => setEditing(false)} />
        ) : (
          <Table variant="vertical" withRowBorders={false} layout="fixed">
            <Table.Tbody>
              {(
                [
                  [t("field.username"), q.data.username],
                  [
                    t("field.email"),
                    <Group gap="xs" key="e">
                      <span>{q.data.email}</span>
                      {q.data.emailVerified && (
                        <Badge size="xs" color="ink" variant="outline">
                          {t("me.verified")}
                        </Badge>
                      )}
                    </Group>,
                  ],
                  [t("field.phoneNumber"), q.data.phoneNumber],
                  [
                    t("field.address"),
                    `(${q.data.postcode}) ${q.data.address} ${q.data.addressDetail ?? ""}`,
                  ],
                  [t("me.memberSince"), date(q.data.createdAt)],
                ] as [string, React.ReactNode][]
              ).map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th w={120} fw={400} c="dimmed">
                    {k}
                  </Table.Th>
                  <Table.Td>
                    <Text size="sm" component="div">
                      {v}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ))}
    </Paper>
  );
}
