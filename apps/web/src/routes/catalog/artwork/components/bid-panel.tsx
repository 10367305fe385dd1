import {
  Alert,
  Anchor,
  Button,
  Collapse,
  Group,
  NumberInput,
  Paper,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { type FormEvent, type ReactNode, useId, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { StatusBadge } from "../../../../components/artwork-card";
import { ErrorState } from "../../../../components/states";
import { type BidAccepted, type PublicLot, useLot, usePlaceBid } from "../../../../hooks/api/auction";
import type { Artwork } from "../../../../hooks/api/catalog";
import { useLiveLot } from "../../../../hooks/api/live";
import { useBankAccount } from "../../../../hooks/api/users";
import { useI18n } from "../../../../i18n";
import { ApiError, newIdempotencyKey } from "../../../../lib/api-client";
import { useAuth } from "../../../../lib/auth";
import { bidProblem, incrementAt } from "../../../../lib/bid-math";
import { BidConfirm, type BidIntent } from "./bid-confirm";
import { LotCountdown } from "./lot-countdown";

const toNumber = (v: string | number) => (typeof v === "number" ? v : v.trim() === "" ? null : Number(v));

/** A refusal ends an intent; no answer (network, 5xx such as BANK_UNAVAILABLE) keeps its key for a retry. */
const isRetryable = (err: unknown) => !(err instanceof ApiError) || err.status === 0 || err.status >= 500;

/**
 * The lot's live state (the auction service's lot, kept current by the live feed, polled while the
 * feed is down) and bidding: a quick bid at the next minimum, a custom amount with an optional proxy
 * maximum, or, when leading, a higher maximum; every bid is confirmed with its premium and bank hold.
 */
export function BidPanel({ artwork }: { artwork: Artwork }) {
  const { t, won } = useI18n();
  const state = artwork.auction;
  const { connected, extendedAt } = useLiveLot(state?.lotId, artwork.id);
  const lot = useLot(state?.lotId, { poll: !connected });

  if (!state)
    return (
      <Paper withBorder p="lg" radius={0}>
        <Text c="dimmed">{t("bid.notScheduled")}</Text>
      </Paper>
    );

  const live = lot.data;
  const status = live?.status ?? state.status;
  const price = live?.currentPrice ?? state.currentPrice;
  const bidCount = live?.bidCount ?? state.bidCount;
  const timing = live ?? { ...state, scheduledEndsAt: state.endsAt };

  return (
    <Paper withBorder p={{ base: "md", xs: "lg" }} radius={0} component="section" aria-labelledby="bid-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="bid-title">
            {t("bid.title")}
          </Title>
          <StatusBadge status={status} />
        </Group>
        <div aria-live="polite" aria-atomic="true">
          <Text size="sm" c="dimmed">
            {status === "SOLD"
              ? t("lot.hammer")
              : bidCount > 0
                ? t("artwork.currentPrice")
                : t("artwork.startPrice")}
          </Text>
          <Text fz={32} fw={600} className="arte-display" data-testid="current-price">
            {won(status === "SOLD" && live?.hammerPrice ? live.hammerPrice : price)}
          </Text>
          <Text size="sm" c="dimmed">
            {t("artwork.bids", { n: bidCount })}
            {live?.leader && (
              <>
                {" · "}
                {live.leader.you ? t("bid.leading") : t("bid.leader", { alias: live.leader.alias })}
              </>
            )}
          </Text>
        </div>
        <LotCountdown lot={timing} extendedAt={extendedAt} />
        {live && (
          <Group gap="md" wrap="wrap">
            <Text size="sm" c="dimmed">
              {live.hasReserve
                ? live.reserveMet
                  ? t("bid.reserveMet")
                  : t("bid.reserveNotMet")
                : t("lot.noReserve")}
            </Text>
            <Text size="sm" c="dimmed">
              {t("lot.premiumNote", {
                rate: (live.premiumBps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 }),
              })}
            </Text>
            {live.buyNowPrice !== null && status === "OPEN" && (
              <Text size="sm" c="dimmed">
                {t("lot.buyNowPrice", { amount: won(live.buyNowPrice) })}
              </Text>
            )}
          </Group>
        )}
        {lot.isError ? (
          <ErrorState error={lot.error} onRetry={() => void lot.refetch()} />
        ) : !live ? (
          lot.isPending && (
            <Text c="dimmed" size="sm" role="status">
              {t("common.loading")}
            </Text>
          )
        ) : (
          <Bidding lot={live} artworkId={artwork.id} />
        )}
      </Stack>
    </Paper>
  );
}

/** The viewer's standing and what they may do: sign in, link an account, bid, or raise their maximum. */
function Bidding({ lot, artworkId }: { lot: PublicLot; artworkId: string }) {
  const { t, won } = useI18n();
  const { user } = useAuth();
  const location = useLocation();
  const open = lot.status === "OPEN";

  const standing = lot.you && (
    <Stack gap={2}>
      <Text size="sm">{t("lot.you.alias", { alias: lot.you.alias })}</Text>
      {lot.status === "SOLD" && lot.you.leading ? (
        <Text size="sm" fw={600} c="green.8">
          {t("lot.you.won")}
        </Text>
      ) : lot.you.leading ? (
        lot.you.yourMaximum !== null && (
          <Text size="sm">{t("lot.you.maximum", { amount: won(lot.you.yourMaximum) })}</Text>
        )
      ) : (
        open && (
          <Text size="sm" c="#8a4b08" fw={500}>
            {t("lot.you.outbid")}
          </Text>
        )
      )}
    </Stack>
  );

  if (!open) return standing || null;

  if (!user)
    return (
      <Stack gap="xs">
        <Text size="sm">{t("lot.signIn.note")}</Text>
        <Group gap="xs" grow>
          <Button component={Link} to={`/login?next=${encodeURIComponent(location.pathname)}`} size="md">
            {t("bid.loginToBid")}
          </Button>
          <Button
            component={Link}
            to={`/register?next=${encodeURIComponent(location.pathname)}`}
            size="md"
            variant="default"
          >
            {t("nav.register")}
          </Button>
        </Group>
      </Stack>
    );

  return (
    <Stack gap="sm">
      {standing}
      <AccountGate>
        <BidForm lot={lot} artworkId={artworkId} />
      </AccountGate>
    </Stack>
  );
}

/** Bidding needs a linked bank account (the bid's hold is placed on it): a link to my page without one. */
function AccountGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const account = useBankAccount();
  if (account.data === null)
    return (
      <Alert color="blue" variant="light">
        <Text size="sm">{t("lot.account.missing")}</Text>
        <Anchor component={Link} to="/me" size="sm" fw={600}>
          {t("lot.account.link")}
        </Anchor>
      </Alert>
    );
  return <>{children}</>;
}

function BidForm({ lot, artworkId }: { lot: PublicLot; artworkId: string }) {
  const { t, te, won } = useI18n();
  const bid = usePlaceBid(artworkId);
  const intentRef = useRef<BidIntent | null>(null);
  const [intent, setIntent] = useState<BidIntent | null>(null);
  const [retrying, setRetrying] = useState(false);
  const [result, setResult] = useState<BidAccepted | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);
  const [custom, setCustom] = useState(false);
  const [amount, setAmount] = useState<string | number>("");
  const [maximum, setMaximum] = useState<string | number>("");
  const [problem, setProblem] = useState<string | null>(null);
  const formId = useId();

  const leading = lot.you?.leading === true;
  const yourMax = lot.you?.yourMaximum ?? null;
  const step = incrementAt(leading ? (yourMax ?? lot.currentPrice) : lot.currentPrice, lot.increments);

  /** Opens the confirmation; the same figures again are the same intent (and keep its key). */
  const review = (a: number, max: number | undefined, raise: boolean) => {
    const prev = intentRef.current;
    const same = prev && prev.amount === a && prev.maxAmount === max && prev.raise === raise;
    const next: BidIntent = same ? prev : { amount: a, maxAmount: max, raise, key: newIdempotencyKey() };
    if (!same) setRetrying(false);
    intentRef.current = next;
    bid.reset();
    setRefusal(null);
    setIntent(next);
  };

  const place = () => {
    const i = intentRef.current;
    if (!i) return;
    bid.mutate(
      { lotId: lot.lotId, amount: i.amount, maxAmount: i.maxAmount, key: i.key },
      {
        onSuccess: (r) => {
          intentRef.current = null;
          setIntent(null);
          setRetrying(false);
          setResult(r);
          setAmount("");
          setMaximum("");
        },
        onError: (err) => {
          if (isRetryable(err)) {
            setRetrying(true); // the modal stays, the key is kept
            return;
          }
          intentRef.current = null;
          setIntent(null);
          setRetrying(false);
          setResult(null);
          setRefusal(err);
        },
      },
    );
  };

  const submitCustom = (e: FormEvent) => {
    e.preventDefault();
    if (leading) {
      const max = toNumber(maximum);
      if (max === null || !Number.isSafeInteger(max) || yourMax === null || max <= yourMax) {
        setProblem(t("lot.problem.RAISE_TOO_LOW", { amount: won(yourMax ?? lot.currentPrice) }));
        return;
      }
      setProblem(null);
      // A raise names only a new maximum; the amount is the current price (never shown as a new bid).
      review(Math.min(lot.currentPrice, max), max, true);
      return;
    }
    const a = toNumber(amount === "" ? lot.nextMinimum : amount);
    const max = toNumber(maximum);
    const p = bidProblem(a, max, lot.nextMinimum);
    if (p) {
      setProblem(t(`lot.problem.${p}`, { amount: won(lot.nextMinimum) }));
      return;
    }
    setProblem(null);
    review(a!, max !== null && max > a! ? max : undefined, false);
  };

  const tooLow =
    refusal instanceof ApiError &&
    refusal.code === "BID_TOO_LOW" &&
    typeof refusal.meta?.nextMinimum === "number"
      ? refusal.meta.nextMinimum
      : null;
  const required =
    refusal instanceof ApiError &&
    refusal.code === "INSUFFICIENT_FUNDS" &&
    typeof refusal.meta?.required === "number"
      ? refusal.meta.required
      : null;
  const needsAccount = refusal instanceof ApiError && refusal.code === "NO_LINKED_ACCOUNT";

  return (
    <Stack gap="sm">
      {!leading && (
        <>
          <Text size="sm">
            {t("bid.nextMinimum")}: <strong>{won(lot.nextMinimum)}</strong>
          </Text>
          <Button size="md" onClick={() => review(lot.nextMinimum, undefined, false)} data-testid="quick-bid">
            {t("bid.quick", { amount: won(lot.nextMinimum) })}
          </Button>
          {lot.buyNowPrice !== null && lot.buyNowPrice > lot.nextMinimum && (
            <Button variant="default" onClick={() => review(lot.buyNowPrice!, undefined, false)}>
              {t("lot.buyNow", { amount: won(lot.buyNowPrice) })}
            </Button>
          )}
        </>
      )}
      {!leading && (
        <UnstyledButton
          onClick={() => setCustom((c) => !c)}
          aria-expanded={custom}
          aria-controls={formId}
          style={{ textDecoration: "underline", fontSize: "var(--mantine-font-size-sm)" }}
        >
          {t("lot.form.toggle")}
        </UnstyledButton>
      )}
      <Collapse expanded={custom || leading} id={formId}>
        <form onSubmit={submitCustom} noValidate>
          <Stack gap="xs">
            {!leading && (
              <NumberInput
                label={t("lot.form.amount")}
                description={t("lot.form.amountHint", { amount: won(lot.nextMinimum), step: won(step) })}
                placeholder={String(lot.nextMinimum)}
                value={amount}
                onChange={setAmount}
                min={lot.nextMinimum}
                step={step}
                thousandSeparator=","
                allowDecimal={false}
                allowNegative={false}
                leftSection="₩"
                inputMode="numeric"
              />
            )}
            <NumberInput
              label={leading ? t("lot.raise.field") : t("lot.form.maximum")}
              description={
                leading
                  ? t("lot.raise.hint", { amount: won(yourMax ?? lot.currentPrice) })
                  : t("lot.form.maximumHint")
              }
              value={maximum}
              onChange={setMaximum}
              step={step}
              thousandSeparator=","
              allowDecimal={false}
              allowNegative={false}
              leftSection="₩"
              inputMode="numeric"
            />
            {problem && (
              <Text size="sm" c="red" role="alert">
                {problem}
              </Text>
            )}
            <Button type="submit" variant={leading ? "filled" : "default"}>
              {leading ? t("lot.raise.review") : t("lot.form.review")}
            </Button>
          </Stack>
        </form>
      </Collapse>
      {lot.softCloseSeconds > 0 && (
        <Text size="xs" c="dimmed">
          {t("bid.softClose", { s: lot.softCloseSeconds })}
        </Text>
      )}
      <div role="status">
        {result && (
          <Alert color={result.leading ? "green" : "orange"} variant="light">
            <Stack gap={2}>
              <Text size="sm" fw={600}>
                {result.leading
                  ? t("lot.result.leading", { price: won(result.price) })
                  : t("lot.result.outbid", { price: won(result.price) })}
              </Text>
              {result.yourMaximum !== null && (
                <Text size="sm">{t("lot.result.maximum", { amount: won(result.yourMaximum) })}</Text>
              )}
              {!result.leading && (
                <Text size="sm">{t("lot.result.nextMinimum", { amount: won(result.nextMinimum) })}</Text>
              )}
              {result.extended && <Text size="sm">{t("lot.result.extended")}</Text>}
            </Stack>
          </Alert>
        )}
      </div>
      {refusal !== null && (
        <Alert color="red" role="alert">
          <Stack gap={4} align="flex-start">
            <Text size="sm">{te(refusal)}</Text>
            {tooLow !== null && (
              <>
                <Text size="sm">{t("lot.error.tooLow", { amount: won(tooLow) })}</Text>
                <Button size="xs" onClick={() => review(tooLow, undefined, false)}>
                  {t("bid.quick", { amount: won(tooLow) })}
                </Button>
              </>
            )}
            {required !== null && <Text size="sm">{t("lot.error.required", { amount: won(required) })}</Text>}
            {(needsAccount || required !== null) && (
              <Anchor component={Link} to="/me" size="sm">
                {needsAccount ? t("lot.account.link") : t("lot.error.topUp")}
              </Anchor>
            )}
          </Stack>
        </Alert>
      )}
      <BidConfirm
        intent={intent}
        premiumBps={lot.premiumBps}
        pending={bid.isPending}
        retrying={retrying}
        error={retrying && bid.error ? te(bid.error) : null}
        onConfirm={place}
        onClose={() => {
          if (!bid.isPending) setIntent(null);
        }}
      />
    </Stack>
  );
}
