import { CancelLotBody, CreateLotBody, UpdateLotBody } from "@arte/contracts/auction.js";
import {
  Alert,
  Button,
  Group,
  Modal,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { ErrorState, isNotFound, NotFound, PageLoader } from "../../../components/states";
import {
  type AdminLot,
  useAdminArtworks,
  useAdminLot,
  useCancelLot,
  useCreateLot,
  useUpdateLot,
} from "../../../hooks/api/admin";
import { type MessageKey, useI18n } from "../../../i18n";
import { ApiError } from "../../../lib/api-client";
import { useNow } from "../../../lib/time";
import { issuesByPath } from "../shared/forms";
import {
  canCancelLot,
  canEditLot,
  emptyLotForm,
  type LotForm,
  lotFields,
  lotPatch,
  lotToForm,
} from "../shared/lot-form";
import { bpsToPercent } from "../shared/money";
import { ArtworkTitle, LotStatusBadge, MutationError, useFieldMessages, useFormValues } from "../shared/ui";

/** Lot fields by the names of the form's inputs (the premium is entered as a percentage). */
const toFormField = (path: string) => (path === "premiumBps" ? "premiumPercent" : path);

function LotFormView({ lot, artworkId }: { lot: AdminLot | null; artworkId: string }) {
  const { t, te } = useI18n();
  const navigate = useNavigate();
  const messages = useFieldMessages();
  const read: LotForm = lot ? lotToForm(lot) : emptyLotForm;
  const { values, set } = useFormValues(read);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateLot();
  const update = useUpdateLot();
  const error = create.error ?? update.error;
  // The auction service names the field of a scheduling rule it refused: show it there.
  const serverField =
    error instanceof ApiError && error.code === "INVALID_LOT" && typeof error.meta?.field === "string"
      ? toFormField(error.meta.field)
      : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { fields, problems } = lotFields(values);
    const body = lot ? lotPatch(read, values) : { artworkId, ...fields };
    if (lot && Object.keys(body).length === 0) return setErrors({ _: t("admin.noChanges") });
    const issues = issuesByPath(lot ? UpdateLotBody : CreateLotBody, body);
    const errs: Record<string, string> = {};
    for (const [k, v] of Object.entries(messages(issues))) errs[toFormField(k)] = v;
    for (const [k, p] of Object.entries(problems)) errs[k] = t(`admin.lotProblem.${p}` as MessageKey);
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    if (lot)
      update.mutate(
        { lotId: lot.lotId, body: body as never },
        { onSuccess: () => notifications.show({ message: t("admin.saved"), color: "green" }) },
      );
    else
      create.mutate(body as never, {
        onSuccess: (l) => {
          notifications.show({ message: t("admin.lot.created"), color: "green" });
          navigate(`/admin/lots/${l.lotId}`, { replace: true });
        },
      });
  };
  const err = (k: keyof LotForm) => errors[k] ?? (serverField === k ? te(error) : undefined);
  const won = (k: "startPrice" | "reservePrice" | "buyNowPrice") => ({
    value: values[k],
    onChange: set(k),
    error: err(k),
    thousandSeparator: ",",
    allowDecimal: false,
    allowNegative: false,
    suffix: " ₩",
  });
  const time = (k: "startsAt" | "endsAt") => ({
    type: "datetime-local",
    value: values[k],
    onChange: (e: { currentTarget: { value: string } }) => set(k)(e.currentTarget.value),
    error: err(k),
    description: t("admin.kst"),
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput label={t("artwork.startPrice")} required {...won("startPrice")} />
          <NumberInput
            label={t("admin.field.reservePrice")}
            description={t("admin.optional")}
            {...won("reservePrice")}
          />
          <NumberInput
            label={t("admin.field.buyNowPrice")}
            description={t("admin.optional")}
            {...won("buyNowPrice")}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("admin.field.startsAt")} required {...time("startsAt")} />
          <TextInput label={t("admin.field.endsAt")} required {...time("endsAt")} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label={t("admin.field.softCloseSeconds")}
            description={t("admin.field.softCloseHint")}
            value={values.softCloseSeconds}
            onChange={set("softCloseSeconds")}
            error={err("softCloseSeconds")}
            allowDecimal={false}
            allowNegative={false}
            min={0}
            max={3600}
          />
          <TextInput
            label={t("admin.field.premiumPercent")}
            description={t("admin.field.premiumHint")}
            inputMode="decimal"
            rightSection="%"
            value={values.premiumPercent}
            onChange={(e) => set("premiumPercent")(e.currentTarget.value)}
            error={err("premiumPercent")}
          />
        </SimpleGrid>
        {errors._ && (
          <Alert color="yellow" role="alert">
            {errors._}
          </Alert>
        )}
        {!serverField && <MutationError error={error} />}
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending || update.isPending}>
            {lot ? t("common.save") : t("admin.lot.schedule")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CancelLot({ lot }: { lot: AdminLot }) {
  const { t } = useI18n();
  const cancel = useCancelLot();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string>();
  const messages = useFieldMessages();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = messages(issuesByPath(CancelLotBody, { reason }));
    setError(errs.reason);
    if (errs.reason) return;
    cancel.mutate(
      { lotId: lot.lotId, reason: reason.trim() },
      {
        onSuccess: () => {
          setOpen(false);
          notifications.show({ message: t("admin.lot.cancelled") });
        },
      },
    );
  };
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)}>
        {t("admin.lot.cancel")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("admin.lot.cancel")} centered>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Textarea
              label={t("admin.field.cancelReason")}
              required
              autosize
              minRows={2}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={error}
              data-autofocus
            />
            <MutationError error={cancel.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                {t("common.close")}
              </Button>
              <Button type="submit" color="red" loading={cancel.isPending}>
                {t("admin.lot.cancel")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function LotFacts({ lot }: { lot: AdminLot }) {
  const { t, won, dateTime } = useI18n();
  const money = (n: number | null) => (n === null ? "—" : won(n));
  const rows: [string, React.ReactNode][] = [
    [t("admin.artwork"), <ArtworkTitle key="a" id={lot.artworkId} />],
    [t("admin.lot.status"), <LotStatusBadge key="s" status={lot.status} />],
    [t("artwork.startPrice"), won(lot.startPrice)],
    [t("artwork.currentPrice"), won(lot.currentPrice)],
    [t("admin.field.reservePrice"), money(lot.reservePrice)],
    [t("admin.field.buyNowPrice"), money(lot.buyNowPrice)],
    [t("admin.field.premiumPercent"), `${bpsToPercent(lot.premiumBps)} %`],
    [t("admin.field.softCloseSeconds"), String(lot.softCloseSeconds)],
    [t("admin.lot.bidCount"), String(lot.bidCount)],
    [t("admin.lot.leader"), lot.leader ? `${lot.leader.alias} · ${lot.leaderUserId ?? ""}` : "—"],
    [t("admin.lot.leaderMax"), money(lot.leaderMax)],
    [t("admin.lot.startsAt"), dateTime(lot.startsAt)],
    [t("admin.lot.endsAt"), dateTime(lot.endsAt)],
    [t("admin.lot.hammer"), money(lot.hammerPrice)],
    [t("admin.lot.outcome"), lot.outcomeReason ?? lot.cancelReason ?? "—"],
  ];
  return (
    <Table variant="vertical" layout="fixed" withTableBorder>
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Th w="40%">{k}</Table.Th>
            <Table.Td style={{ overflowWrap: "anywhere" }}>{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function NewLot() {
  const { t, label } = useI18n();
  const [params, setParams] = useSearchParams();
  const artworkId = params.get("artworkId") ?? "";
  const artworks = useAdminArtworks("false");
  const candidates = (artworks.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (a) => !a.auction || ["UNSOLD", "CANCELLED"].includes(a.auction.status),
  );
  return (
    <Stack>
      <Title order={2}>{t("admin.lot.new")}</Title>
      <NativeSelect
        label={t("admin.artwork")}
        required
        value={artworkId}
        onChange={(e) => setParams({ artworkId: e.currentTarget.value }, { replace: true })}
        data={[
          { value: "", label: artworks.isPending ? t("common.loading") : t("admin.choose"), disabled: true },
          ...(artworkId && !candidates.some((a) => a.id === artworkId)
            ? [{ value: artworkId, label: artworkId }]
            : []),
          ...candidates.map((a) => ({
            value: a.id,
            label: `${label({ ko: a.titleKo, en: a.titleEn })} — ${label({ ko: a.artist.nameKo, en: a.artist.nameEn })}`,
          })),
        ]}
      />
      {artworks.hasNextPage && (
        <Button
          variant="subtle"
          size="xs"
          onClick={() => void artworks.fetchNextPage()}
          loading={artworks.isFetchingNextPage}
        >
          {t("common.loadMore")}
        </Button>
      )}
      {artworkId ? (
        <LotFormView lot={null} artworkId={artworkId} />
      ) : (
        <Text c="dimmed">{t("admin.lot.pickArtwork")}</Text>
      )}
    </Stack>
  );
}

/** Schedule a lot (`lots/new`), or see one: edit before its start, cancel before its first bid. */
export function AdminLotPage() {
  const { t } = useI18n();
  const { lotId } = useParams();
  const isNew = !lotId || lotId === "new";
  const q = useAdminLot(isNew ? undefined : lotId);
  const now = useNow(30_000);
  if (isNew) return <NewLot />;
  if (q.isPending) return <PageLoader />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <NotFound message={t("admin.lot.notFound")} />
    ) : (
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    );
  const lot = q.data;
  const editable = canEditLot(lot, now);
  return (
    <Stack gap="xl">
      <Group justify="space-between">
        <Title order={2}>{t("admin.lot.title")}</Title>
        {canCancelLot(lot) && <CancelLot lot={lot} />}
      </Group>
      <LotFacts lot={lot} />
      {editable ? (
        <Stack>
          <Title order={3}>{t("admin.lot.edit")}</Title>
          <LotFormView key={`${lot.lotId}:${lot.version}`} lot={lot} artworkId={lot.artworkId} />
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          {t("admin.lot.notEditable")}
        </Text>
      )}
    </Stack>
  );
}
