import { Group, UnstyledButton } from "@mantine/core";
import { useState } from "react";
import { ArtworkImage } from "../../../../components/artwork-card";
import type { Artwork } from "../../../../hooks/api/catalog";
import { useI18n } from "../../../../i18n";

/** The primary image large, the others as thumbnails that swap it (buttons: keyboard friendly). */
export function Gallery({ artwork, alt }: { artwork: Artwork; alt: string }) {
  const { t } = useI18n();
  const images = artwork.images.length ? artwork.images : artwork.primaryImage ? [artwork.primaryImage] : [];
  const [index, setIndex] = useState(() =>
    Math.max(
      0,
      images.findIndex((i) => i.isPrimary),
    ),
  );
  const current = images[index] ?? null;
  return (
    <div>
      <ArtworkImage image={current} alt={alt} size="large" eager />
      {images.length > 1 && (
        <Group gap="xs" mt="sm">
          {images.map((img, i) => (
            <UnstyledButton
              key={img.id}
              onClick={() => setIndex(i)}
              aria-label={t("artwork.imageN", { n: i + 1 })}
              aria-pressed={i === index}
              style={{
                width: 64,
                outline: i === index ? "2px solid currentColor" : undefined,
                outlineOffset: 2,
              }}
            >
              <img
                src={img.variants.thumb.url}
                alt=""
                width={64}
                height={80}
                style={{ objectFit: "cover", display: "block" }}
              />
            </UnstyledButton>
          ))}
        </Group>
      )}
    </div>
  );
}
