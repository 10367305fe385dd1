import { Badge, Group, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import type { ArtworkListItem } from "../hooks/api/catalog";
import { useI18n } from "../i18n";
import { formatDuration, useNow } from "../lib/time";

type Img = NonNullable<ArtworkListItem["primaryImage"]>;

/** An artwork image: the blurred placeholder first, lazy-loaded WebP variants with srcset. */
export function ArtworkImage({
  image,
  alt,
  size = "medium",
  eager = false,
}: {
  image: Img | null;
  alt: string;
  size?: "thumb" | "medium" | "large";
  eager?: boolean;
}) {
  const { t } = useI18n();
  if (!image)
    return (
      <div className="arte-frame" role="img" aria-label={`${alt} (${t("artwork.noImage")})`}>
        <Text c="dimmed" size="sm">
          {t("artwork.noImage")}
        </Text>
      </div>
    );
  const v = image.variants;
  return (
    <div
      className="arte-frame"
      style={{ backgroundImage: `url(${image.placeholder})`, backgroundSize: "cover" }}
    >
      <img
        src={v[size].url}
        srcSet={`${v.thumb.url} ${v.thumb.width}w, ${v.medium.url} ${v.medium.width}w, ${v.large.url} ${v.large.width}w`}
        sizes={
          size === "large"
            ? "(min-width: 62em) 60vw, 100vw"
            : "(min-width: 62em) 25vw, (min-width: 36em) 45vw, 90vw"
        }
        width={v[size].width}
        height={v[size].height}
        alt={alt}
        loading={eager ? "eager" : "lazy"}
        decoding="async"
      />
    </div>
  );
}

export const statusColor: Record<string, string> = {
  OPEN: "red.9",
  SCHEDULED: "bronze",
  CLOSED: "gray",
  SOLD: "ink",
  UNSOLD: "gray",
  CANCELLED: "gray",
};

/** Status in words and colour, never colour alone. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Badge color={statusColor[status] ?? "gray"} variant={status === "OPEN" ? "filled" : "light"} radius={0}>
      {t(`status.${status}` as "status.OPEN")}
    </Badge>
  );
}

export function AuctionTiming({ auction }: { auction: NonNullable<ArtworkListItem["auction"]> }) {
  const { t, dateTime } = useI18n();
  const now = useNow(1000);
  const ends = Date.parse(auction.endsAt);
  const starts = Date.parse(auction.startsAt);
  if (auction.status === "OPEN" && ends > now)
    return (
      <Text size="sm" c="var(--arte-live)" fw={500}>
        {t("artwork.endsIn", { time: formatDuration(ends - now) })}
      </Text>
    );
  if (auction.status === "SCHEDULED")
    return (
      <Text size="sm" c="dimmed">
        {starts - now < 86_400_000 && starts > now
          ? t("artwork.startsIn", { time: formatDuration(starts - now) })
          : t("artwork.startsAt", { date: dateTime(auction.startsAt) })}
      </Text>
    );
  return (
    <Text size="sm" c="dimmed">
      {t("artwork.ended")}
    </Text>
  );
}

export function ArtworkCard({ artwork, eager }: { artwork: ArtworkListItem; eager?: boolean }) {
  const { t, label, won } = useI18n();
  const title = label({ ko: artwork.titleKo, en: artwork.titleEn });
  const artist = label({ ko: artwork.artist.nameKo, en: artwork.artist.nameEn });
  const a = artwork.auction;
  return (
    <Link to={`/artworks/${artwork.id}`} className="arte-card">
      <Stack gap={8}>
        <ArtworkImage
          image={artwork.primaryImage}
          alt={t("artwork.image", { title, artist })}
          eager={eager}
        />
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} className="arte-display" fz="xl" lh={1.2} lineClamp={2}>
              {title}
            </Text>
            <Text size="sm" c="dimmed" data-testid="card-artist">
              {artist}
            </Text>
          </div>
          {a && <StatusBadge status={a.status} />}
        </Group>
        {a && (a.status === "OPEN" || a.status === "SOLD") ? (
          <Group gap="xs" justify="space-between">
            <Text size="sm">
              {t("artwork.currentPrice")} <strong>{won(a.currentPrice)}</strong>
            </Text>
            <Text size="sm" c="dimmed">
              {t("artwork.bids", { n: a.bidCount })}
            </Text>
          </Group>
        ) : (
          <Text size="sm">
            {t("artwork.estimate")} {won(artwork.estimateLow)} – {won(artwork.estimateHigh)}
          </Text>
        )}
        {a && <AuctionTiming auction={a} />}
      </Stack>
    </Link>
  );
}
