import {
  CreateArtworkBody,
  MAX_IMAGES_PER_ARTWORK,
  MEDIA,
  type Medium,
  STYLES,
  TECHNIQUES,
  THEMES,
  UpdateArtworkBody,
} from "@arte/contracts/catalog.js";
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  FileButton,
  Group,
  Image,
  List,
  Modal,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ErrorState, isNotFound, NotFound, PageLoader } from "../../../components/states";
import {
  type AdminArtwork,
  useAdminArtists,
  useAdminArtwork,
  useArchiveArtwork,
  useCreateArtwork,
  useDeleteImage,
  useReorderImages,
  useSetPrimaryImage,
  useUpdateArtwork,
  useUploadImages,
} from "../../../hooks/api/admin";
import { useI18n } from "../../../i18n";
import {
  type ArtworkForm,
  artworkBody,
  artworkPatch,
  artworkToForm,
  emptyArtworkForm,
  facetsOf,
  withMedium,
} from "../shared/artwork-form";
import { issuesByPath } from "../shared/forms";
import { byPosition, checkImageFiles, type FileProblem, IMAGE_ACCEPT, moveId } from "../shared/images";
import { LotStatusBadge, MutationError, useFieldMessages, useFormValues } from "../shared/ui";

type Labelled = Record<string, { ko: string; en: string }>;

function ArtworkFormView({ artwork, onReload }: { artwork: AdminArtwork | null; onReload: () => void }) {
  const { t, label } = useI18n();
  const navigate = useNavigate();
  const messages = useFieldMessages();
  const artists = useAdminArtists();
  const read: ArtworkForm = artwork ? artworkToForm(artwork) : emptyArtworkForm;
  const { values, setValues, set } = useFormValues(read);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateArtwork();
  const update = useUpdateArtwork();
  const saving = create.isPending || update.isPending;
  const facets = facetsOf(values.medium);
  const options = (codes: string[], labels: Labelled) => [
    { value: "", label: t("admin.choose"), disabled: true },
    ...codes.map((c) => ({ value: c, label: labels[c] ? label(labels[c]) : c })),
  ];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (artwork) {
      const body = artworkPatch(read, values, artwork.version);
      if (Object.keys(body).length === 1) return setErrors({ _: t("admin.noChanges") });
      const errs = messages(issuesByPath(UpdateArtworkBody, body));
      setErrors(errs);
      if (Object.keys(errs).length > 0) return;
      update.mutate(
        { id: artwork.id, body: body as never },
        { onSuccess: () => notifications.show({ message: t("admin.saved"), color: "green" }) },
      );
    } else {
      const body = artworkBody(values);
      const errs = messages(issuesByPath(CreateArtworkBody, body));
      setErrors(errs);
      if (Object.keys(errs).length > 0) return;
      create.mutate(body as never, {
        onSuccess: (a) => {
          notifications.show({ message: t("admin.saved"), color: "green" });
          navigate(`/admin/artworks/${a.id}`, { replace: true });
        },
      });
    }
  };
  const text = (k: keyof ArtworkForm) => ({
    value: values[k] as string,
    onChange: (e: { currentTarget: { value: string } }) => set(k)(e.currentTarget.value),
    error: errors[k],
  });
  const won = (k: "estimateLow" | "estimateHigh") => ({
    value: values[k],
    onChange: set(k),
    error: errors[k],
    thousandSeparator: ",",
    allowDecimal: false,
    allowNegative: false,
    suffix: " ₩",
  });
  const cm = (k: "widthCm" | "heightCm" | "depthCm") => ({
    value: values[k],
    onChange: set(k),
    error: errors[`size.${k}`],
    decimalScale: 1,
    allowNegative: false,
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="artwork-form-title">
      <Stack>
        <Title order={3} id="artwork-form-title">
          {t("admin.artwork.details")}
        </Title>
        <NativeSelect
          label={t("artwork.artist")}
          required
          value={values.artistId}
          onChange={(e) => set("artistId")(e.currentTarget.value)}
          error={errors.artistId}
          data={[
            { value: "", label: artists.isPending ? t("common.loading") : t("admin.choose"), disabled: true },
            ...(artists.data ?? []).map((a) => ({ value: a.id, label: `${a.nameKo} (${a.nameEn})` })),
          ]}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("admin.field.titleKo")} required {...text("titleKo")} />
          <TextInput label={t("admin.field.titleEn")} {...text("titleEn")} />
        </SimpleGrid>
        <Textarea label={t("artwork.description")} required autosize minRows={4} {...text("description")} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t("admin.field.completionDate")}
            description={t("admin.field.completionDateHint")}
            required
            {...text("completionDate")}
          />
          <TextInput
            label={t("artwork.country")}
            description={t("admin.field.countryHint")}
            required
            maxLength={2}
            value={values.country}
            onChange={(e) => set("country")(e.currentTarget.value.toUpperCase())}
            error={errors.country}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, xs: 3 }}>
          <NumberInput label={t("admin.field.widthCm")} required {...cm("widthCm")} />
          <NumberInput label={t("admin.field.heightCm")} required {...cm("heightCm")} />
          <NumberInput label={t("admin.field.depthCm")} {...cm("depthCm")} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label={t("artwork.medium")}
            required
            value={values.medium}
            onChange={(e) => setValues((v) => withMedium(v, e.currentTarget.value))}
            error={errors.medium}
            data={Object.keys(MEDIA).map((m) => ({ value: m, label: label(MEDIA[m as Medium]) }))}
          />
          <NativeSelect
            label={t("artwork.theme")}
            required
            value={values.theme}
            onChange={(e) => set("theme")(e.currentTarget.value)}
            error={errors.theme}
            data={options(facets.themes, THEMES)}
          />
          <NativeSelect
            label={t("artwork.style")}
            required
            value={values.style}
            onChange={(e) => set("style")(e.currentTarget.value)}
            error={errors.style}
            data={options(facets.styles, STYLES)}
          />
          <NativeSelect
            label={
              MEDIA[values.medium as Medium]
                ? label(MEDIA[values.medium as Medium].techniqueLabel)
                : t("artwork.technique")
            }
            required
            value={values.technique}
            onChange={(e) => set("technique")(e.currentTarget.value)}
            error={errors.technique}
            data={options(facets.techniques, TECHNIQUES)}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput label={t("admin.field.estimateLow")} required {...won("estimateLow")} />
          <NumberInput label={t("admin.field.estimateHigh")} required {...won("estimateHigh")} />
        </SimpleGrid>
        <Textarea label={t("artwork.condition")} autosize minRows={2} {...text("conditionReport")} />
        {errors._ && (
          <Alert color="yellow" role="alert">
            {errors._}
          </Alert>
        )}
        <MutationError error={create.error ?? update.error} onReload={onReload} />
        <Group justify="flex-end">
          <Button type="submit" loading={saving} disabled={!!artwork?.archivedAt}>
            {artwork ? t("common.save") : t("admin.create")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ImagesManager({ artwork }: { artwork: AdminArtwork }) {
  const { t, label } = useI18n();
  const images = byPosition(artwork.images);
  const ids = images.map((i) => i.id);
  const upload = useUploadImages();
  const reorder = useReorderImages();
  const primary = useSetPrimaryImage();
  const remove = useDeleteImage();
  const [problems, setProblems] = useState<FileProblem[]>([]);
  const busy = upload.isPending || reorder.isPending || primary.isPending || remove.isPending;
  const title = label({ ko: artwork.titleKo, en: artwork.titleEn });

  const pick = (files: File[]) => {
    const r = checkImageFiles(files, images.length);
    setProblems(r.problems);
    if (r.accepted.length > 0) upload.mutate({ id: artwork.id, files: r.accepted });
  };
  const move = (from: number, to: number) =>
    reorder.mutate({ id: artwork.id, imageIds: moveId(ids, from, to) });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>
          {t("admin.artwork.images")} ({images.length}/{MAX_IMAGES_PER_ARTWORK})
        </Title>
        <FileButton onChange={pick} accept={IMAGE_ACCEPT} multiple>
          {(props) => (
            <Button
              {...props}
              loading={upload.isPending}
              disabled={images.length >= MAX_IMAGES_PER_ARTWORK || !!artwork.archivedAt}
            >
              {t("admin.image.upload")}
            </Button>
          )}
        </FileButton>
      </Group>
      <Text size="sm" c="dimmed">
        {t("admin.image.rules")}
      </Text>
      {problems.length > 0 && (
        <Alert color="red" role="alert">
          <List size="sm">
            {problems.map((p) => (
              <List.Item key={`${p.name}-${p.reason}`}>
                {t(`admin.image.problem.${p.reason}`, { name: p.name })}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <MutationError error={upload.error ?? reorder.error ?? primary.error ?? remove.error} />
      {images.length === 0 && <Text c="dimmed">{t("admin.image.none")}</Text>}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} aria-busy={busy}>
        {images.map((img, i) => (
          <Card key={img.id} withBorder padding="xs">
            <Card.Section>
              <Image
                src={img.variants.medium.url}
                alt={t("admin.image.alt", { n: i + 1, title })}
                h={160}
                fit="contain"
              />
            </Card.Section>
            <Group justify="space-between" mt="xs" gap={4}>
              <Group gap={4}>
                <Text size="sm">{i + 1}</Text>
                {img.isPrimary && <Badge size="sm">{t("admin.image.primary")}</Badge>}
              </Group>
              <Group gap={4}>
                <ActionIcon
                  variant="default"
                  aria-label={t("admin.image.moveUp", { n: i + 1 })}
                  disabled={i === 0 || busy}
                  onClick={() => move(i, i - 1)}
                >
                  ↑
                </ActionIcon>
                <ActionIcon
                  variant="default"
                  aria-label={t("admin.image.moveDown", { n: i + 1 })}
                  disabled={i === images.length - 1 || busy}
                  onClick={() => move(i, i + 1)}
                >
                  ↓
                </ActionIcon>
              </Group>
            </Group>
            <Group gap={4} mt="xs" grow>
              <Button
                size="xs"
                variant="default"
                disabled={img.isPrimary || busy}
                onClick={() => primary.mutate({ id: artwork.id, imageId: img.id })}
                aria-label={t("admin.image.makePrimaryN", { n: i + 1 })}
              >
                {t("admin.image.makePrimary")}
              </Button>
              <Button
                size="xs"
                color="red"
                variant="light"
                disabled={busy}
                onClick={() => {
                  if (window.confirm(t("admin.image.deleteConfirm", { n: i + 1 })))
                    remove.mutate({ id: artwork.id, imageId: img.id });
                }}
                aria-label={t("admin.image.deleteN", { n: i + 1 })}
              >
                {t("admin.image.delete")}
              </Button>
            </Group>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

function ArchiveButton({ artwork, onReload }: { artwork: AdminArtwork; onReload: () => void }) {
  const { t } = useI18n();
  const archive = useArchiveArtwork();
  const [open, setOpen] = useState(false);
  if (artwork.archivedAt) return <Badge color="gray">{t("admin.artwork.archived")}</Badge>;
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)}>
        {t("admin.artwork.archive")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("admin.artwork.archive")} centered>
        <Stack>
          <Text>{t("admin.artwork.archiveConfirm")}</Text>
          <MutationError error={archive.error} onReload={onReload} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button
              color="red"
              loading={archive.isPending}
              onClick={() =>
                archive.mutate(
                  { id: artwork.id, version: artwork.version },
                  {
                    onSuccess: () => {
                      setOpen(false);
                      notifications.show({ message: t("admin.artwork.archivedDone") });
                    },
                  },
                )
              }
            >
              {t("admin.artwork.archive")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Create an artwork, or edit one: every field, its images (upload, order, primary), archive. */
export function AdminArtworkPage() {
  const { t, label } = useI18n();
  const { id } = useParams();
  const isNew = id === undefined || id === "new";
  const q = useAdminArtwork(isNew ? undefined : id);
  const reload = () => void q.refetch();
  if (isNew)
    return (
      <Stack>
        <Title order={2}>{t("admin.artwork.new")}</Title>
        <ArtworkFormView artwork={null} onReload={reload} />
      </Stack>
    );
  if (q.isPending) return <PageLoader />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <NotFound message={t("artwork.notFound")} />
    ) : (
      <ErrorState error={q.error} onRetry={reload} />
    );
  const a = q.data;
  return (
    <Stack gap="xl">
      <Group justify="space-between">
        <Stack gap={4}>
          <Title order={2}>{label({ ko: a.titleKo, en: a.titleEn })}</Title>
          <Text size="sm" c="dimmed">
            {label({ ko: a.artist.nameKo, en: a.artist.nameEn })} · v{a.version}
          </Text>
        </Stack>
        <Group>
          {a.auction && (
            <Button component={Link} to={`/admin/lots/${a.auction.lotId}`} variant="default">
              <LotStatusBadge status={a.auction.status} />
            </Button>
          )}
          {!a.archivedAt && (!a.auction || ["UNSOLD", "CANCELLED"].includes(a.auction.status)) && (
            <Button component={Link} to={`/admin/lots/new?artworkId=${a.id}`} variant="default">
              {t("admin.lot.schedule")}
            </Button>
          )}
          <ArchiveButton artwork={a} onReload={reload} />
        </Group>
      </Group>
      {/* A new version (saved here or elsewhere) starts the form from the server's values. */}
      <ArtworkFormView key={`${a.id}:${a.version}`} artwork={a} onReload={reload} />
      <ImagesManager artwork={a} />
    </Stack>
  );
}
