import { CreateArtistBody, UpdateArtistBody } from "@arte/contracts/catalog.js";
import {
  Alert,
  Avatar,
  Button,
  FileButton,
  Group,
  Modal,
  NumberInput,
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
  type AdminArtist,
  useAdminArtists,
  useSaveArtist,
  useUploadPortrait,
} from "../../../hooks/api/admin";
import { useI18n } from "../../../i18n";
import { artistBody, artistPatch, artistToForm, emptyArtistForm } from "../shared/artwork-form";
import { issuesByPath } from "../shared/forms";
import { checkImageFiles, IMAGE_ACCEPT } from "../shared/images";
import { ListTable, MutationError, useFieldMessages, useFormValues } from "../shared/ui";

function ArtistModal({
  artist,
  opened,
  onClose,
  onReload,
}: {
  artist: AdminArtist | null;
  opened: boolean;
  onClose: () => void;
  onReload: () => void;
}) {
  const { t } = useI18n();
  const messages = useFieldMessages();
  const read = artist ? artistToForm(artist) : emptyArtistForm;
  const { values, set } = useFormValues(read);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useSaveArtist();
  const portrait = useUploadPortrait();
  const [portraitProblem, setPortraitProblem] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = artist ? artistPatch(read, values, artist.version) : artistBody(values);
    if (artist && Object.keys(body).length === 1) {
      setErrors({ _: t("admin.noChanges") });
      return;
    }
    const errs = messages(issuesByPath(artist ? UpdateArtistBody : CreateArtistBody, body));
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    save.mutate(
      { id: artist?.id, body: body as never },
      {
        onSuccess: () => {
          notifications.show({ message: t("admin.saved"), color: "green" });
          onClose();
        },
      },
    );
  };

  const pickPortrait = (file: File | null) => {
    if (!file || !artist) return;
    const { accepted, problems } = checkImageFiles([file], 0);
    setPortraitProblem(
      problems[0] ? t(`admin.image.problem.${problems[0].reason}`, { name: file.name }) : null,
    );
    if (accepted[0]) portrait.mutate({ id: artist.id, file: accepted[0] });
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={artist ? t("admin.artist.edit", { name: artist.nameKo }) : t("admin.artist.new")}
      centered
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("admin.field.nameKo")}
            required
            value={values.nameKo}
            onChange={(e) => set("nameKo")(e.currentTarget.value)}
            error={errors.nameKo}
            data-autofocus
          />
          <TextInput
            label={t("admin.field.nameEn")}
            required
            value={values.nameEn}
            onChange={(e) => set("nameEn")(e.currentTarget.value)}
            error={errors.nameEn}
          />
          <Group grow align="flex-start">
            <NumberInput
              label={t("admin.field.birthYear")}
              value={values.birthYear}
              onChange={set("birthYear")}
              allowDecimal={false}
              allowNegative={false}
              error={errors.birthYear}
            />
            <TextInput
              label={t("admin.field.country")}
              description={t("admin.field.countryHint")}
              required
              maxLength={2}
              value={values.country}
              onChange={(e) => set("country")(e.currentTarget.value.toUpperCase())}
              error={errors.country}
            />
          </Group>
          <Textarea
            label={t("admin.field.biography")}
            autosize
            minRows={3}
            value={values.biography}
            onChange={(e) => set("biography")(e.currentTarget.value)}
            error={errors.biography}
          />
          {artist && (
            <Group>
              <Avatar src={artist.portrait?.variants.thumb.url} alt="" radius="xl" size="lg" />
              <FileButton onChange={pickPortrait} accept={IMAGE_ACCEPT}>
                {(props) => (
                  <Button {...props} variant="default" loading={portrait.isPending}>
                    {t("admin.artist.portrait")}
                  </Button>
                )}
              </FileButton>
            </Group>
          )}
          {portraitProblem && (
            <Alert color="red" role="alert">
              {portraitProblem}
            </Alert>
          )}
          <MutationError error={portrait.error} />
          {errors._ && (
            <Alert color="yellow" role="alert">
              {errors._}
            </Alert>
          )}
          <MutationError error={save.error} onReload={onReload} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("common.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Artists: the list, and a dialog to create or edit one (with the version read) and set a portrait. */
export function AdminArtistsPage() {
  const { t } = useI18n();
  const list = useAdminArtists();
  const [editing, setEditing] = useState<AdminArtist | "new" | null>(null);
  const [formKey, setFormKey] = useState(0);
  const open = (a: AdminArtist | "new") => {
    setEditing(a);
    setFormKey((k) => k + 1);
  };
  const reload = async () => {
    const r = await list.refetch();
    const fresh = r.data?.find((a) => editing !== "new" && a.id === editing?.id);
    if (fresh) open(fresh);
  };
  const artists = list.data ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("admin.artists")}</Title>
        <Button onClick={() => open("new")}>{t("admin.artist.new")}</Button>
      </Group>
      <ListTable
        query={list}
        items={artists}
        minWidth={520}
        head={[
          t("admin.field.nameKo"),
          t("admin.field.nameEn"),
          t("admin.field.country"),
          t("admin.artist.works"),
          t("admin.actions"),
        ]}
        row={(a) => (
          <Table.Tr key={a.id}>
            <Table.Td>
              <Group gap="xs" wrap="nowrap">
                <Avatar src={a.portrait?.variants.thumb.url} alt="" size="sm" radius="xl" />
                <Text size="sm">{a.nameKo}</Text>
              </Group>
            </Table.Td>
            <Table.Td>{a.nameEn}</Table.Td>
            <Table.Td>{a.country}</Table.Td>
            <Table.Td>{a.artworkCount}</Table.Td>
            <Table.Td>
              <Button
                size="xs"
                variant="default"
                onClick={() => open(a)}
                aria-label={`${t("admin.edit")}: ${a.nameKo}`}
              >
                {t("admin.edit")}
              </Button>
            </Table.Td>
          </Table.Tr>
        )}
      />
      <ArtistModal
        key={formKey}
        artist={editing === "new" ? null : editing}
        opened={editing !== null}
        onClose={() => setEditing(null)}
        onReload={() => void reload()}
      />
    </Stack>
  );
}
