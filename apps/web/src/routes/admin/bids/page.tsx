import { BidAttemptsQuery, BidOutcome } from "@arte/contracts/history.js";
import {
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { type BidAttemptFilters, useBidAttempts } from "../../../hooks/api/admin";
import { type MessageKey, useI18n } from "../../../i18n";
import { issuesByPath } from "../shared/forms";
import { isoToKstInput, kstInputToIso } from "../shared/kst";
import { PagedTable, shortId, TONE, useFieldMessages } from "../shared/ui";

const KEYS = ["lotId", "userId", "outcome", "from", "to"] as const;

/** Every bid attempt, accepted or refused with its reason, newest first; by lot, user, outcome, time. */
export function AdminBidsPage() {
  const { t, te, won, dateTime } = useI18n();
  const messages = useFieldMessages();
  const [params, setParams] = useSearchParams();
  const filters: BidAttemptFilters = {};
  for (const k of KEYS) {
    const v = params.get(k);
    if (v) (filters as Record<string, string>)[k] = v;
  }
  const [draft, setDraft] = useState({
    lotId: filters.lotId ?? "",
    userId: filters.userId ?? "",
    outcome: filters.outcome ?? "",
    from: filters.from ? isoToKstInput(filters.from) : "",
    to: filters.to ? isoToKstInput(filters.to) : "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const list = useBidAttempts(filters);
  const set = (k: keyof typeof draft) => (e: { currentTarget: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.currentTarget.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    const errs: Record<string, string> = {};
    if (draft.lotId.trim()) next.lotId = draft.lotId.trim();
    if (draft.userId.trim()) next.userId = draft.userId.trim();
    if (draft.outcome) next.outcome = draft.outcome;
    for (const k of ["from", "to"] as const) {
      if (!draft[k]) continue;
      const iso = kstInputToIso(draft[k]);
      if (iso) next[k] = iso;
      else errs[k] = t("admin.lotProblem.kstTime");
    }
    Object.assign(errs, messages(issuesByPath(BidAttemptsQuery, next)));
    setErrors(errs);
    if (Object.keys(errs).length === 0) setParams(next);
  };

  return (
    <Stack>
      <Title order={2}>{t("admin.bids")}</Title>
      <search aria-label={t("admin.filters")}>
        <form onSubmit={submit} noValidate>
          <Group align="flex-end">
            <TextInput
              label={t("admin.bid.lotId")}
              value={draft.lotId}
              onChange={set("lotId")}
              error={errors.lotId}
            />
            <TextInput
              label={t("admin.bid.userId")}
              value={draft.userId}
              onChange={set("userId")}
              error={errors.userId}
            />
            <NativeSelect
              label={t("admin.bid.outcome")}
              value={draft.outcome}
              onChange={set("outcome")}
              data={[
                { value: "", label: t("browse.any") },
                ...BidOutcome.options.map((o) => ({
                  value: o,
                  label: t(`admin.outcome.${o}` as MessageKey),
                })),
              ]}
            />
            <TextInput
              type="datetime-local"
              label={t("admin.from")}
              description={t("admin.kst")}
              value={draft.from}
              onChange={set("from")}
              error={errors.from}
            />
            <TextInput
              type="datetime-local"
              label={t("admin.to")}
              description={t("admin.kst")}
              value={draft.to}
              onChange={set("to")}
              error={errors.to}
            />
            <Button type="submit" variant="default">
              {t("browse.apply")}
            </Button>
          </Group>
        </form>
      </search>
      <PagedTable
        query={list}
        minWidth={820}
        hover={false}
        head={[
          t("admin.bid.at"),
          t("admin.bid.lotId"),
          t("admin.bid.userId"),
          t("admin.bid.amount"),
          t("admin.bid.outcome"),
          t("admin.bid.reason"),
        ]}
        row={(a) => (
          <Table.Tr key={a.attemptId}>
            <Table.Td>{dateTime(a.at)}</Table.Td>
            <Table.Td>
              <Anchor component={Link} to={`/admin/lots/${a.lotId}`} title={a.lotId}>
                {shortId(a.lotId)}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Text size="sm" title={a.userId}>
                {a.alias ?? shortId(a.userId)}
              </Text>
              <Anchor
                size="xs"
                onClick={() => setParams({ ...filters, userId: a.userId } as Record<string, string>)}
                component="button"
                type="button"
              >
                {t("admin.bid.onlyUser")}
              </Anchor>
            </Table.Td>
            <Table.Td>
              {won(a.amount)}
              {a.kind && a.kind !== "BID" && (
                <Text size="xs" c="dimmed">
                  {t(`admin.bidKind.${a.kind}` as MessageKey)}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Badge color={a.outcome === "ACCEPTED" ? TONE.good : TONE.bad}>
                {t(`admin.outcome.${a.outcome}` as MessageKey)}
              </Badge>
              {a.leading && (
                <Text size="xs" c="dimmed">
                  {t("admin.bid.leading")}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              {a.code ? (
                <>
                  <Text size="sm">{te({ code: a.code })}</Text>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {a.code}
                    {a.nextMinimum ? ` · ${t("bid.nextMinimum")} ${won(a.nextMinimum)}` : ""}
                  </Text>
                </>
              ) : (
                "—"
              )}
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
