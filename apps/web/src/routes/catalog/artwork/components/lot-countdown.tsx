import { Badge, Group, Text } from "@mantine/core";
import type { PublicLot } from "../../../../hooks/api/auction";
import { useI18n } from "../../../../i18n";
import { isExtended } from "../../../../lib/live-merge";
import { formatDuration, useServerNow } from "../../../../lib/time";

/** Under this much time left the countdown turns urgent. */
const FINAL_MS = 5 * 60_000;
/** How long the "extended" notice stays after a live change moved the close. */
const NOTICE_MS = 30_000;

/**
 * The time to the close (or to the start) on the server's clock, with the close's date, and the
 * soft-close notice when a late bid moved it.
 */
export function LotCountdown({
  lot,
  extendedAt,
}: {
  lot: Pick<PublicLot, "status" | "startsAt" | "endsAt" | "scheduledEndsAt">;
  extendedAt: number | null;
}) {
  const { t, dateTime } = useI18n();
  const now = useServerNow(1000);
  const ends = Date.parse(lot.endsAt);
  const starts = Date.parse(lot.startsAt);

  if (lot.status === "SCHEDULED")
    return (
      <div>
        <Text size="sm" c="dimmed">
          {t("lot.startsIn")}
        </Text>
        <Text fz="xl" fw={600} role="timer" style={{ fontVariantNumeric: "tabular-nums" }}>
          {starts > now ? formatDuration(starts - now) : t("bid.opensSoon")}
        </Text>
        <Text size="xs" c="dimmed">
          {t("artwork.startsAt", { date: dateTime(lot.startsAt) })}
        </Text>
      </div>
    );

  if (lot.status !== "OPEN")
    return (
      <Text size="sm" c="dimmed">
        {t("artwork.ended")} · {dateTime(lot.endsAt)}
      </Text>
    );

  const left = ends - now;
  const extended = isExtended(lot);
  const justExtended = extendedAt !== null && Date.now() - extendedAt < NOTICE_MS;
  return (
    <div>
      <Group gap="xs" align="center">
        <Text size="sm" c="dimmed">
          {t("lot.timeLeft")}
        </Text>
        {extended && (
          <Badge color="orange" variant="light" radius={0} size="sm">
            {t("lot.extendedBadge")}
          </Badge>
        )}
      </Group>
      <Text
        fz="xl"
        fw={600}
        role="timer"
        c={left < FINAL_MS ? "var(--arte-live)" : undefined}
        style={{ fontVariantNumeric: "tabular-nums" }}
        data-testid="countdown"
      >
        {left > 0 ? formatDuration(left) : t("lot.closing")}
      </Text>
      <Text size="xs" c="dimmed">
        {t("lot.closesAt", { date: dateTime(lot.endsAt) })}
      </Text>
      <div role="status">
        {justExtended && (
          <Text size="sm" c="#8a4b08" fw={500}>
            {t("lot.extended")}
          </Text>
        )}
      </div>
    </div>
  );
}
