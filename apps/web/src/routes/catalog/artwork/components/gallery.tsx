import { Box, Button, Group, Modal, UnstyledButton } from "@mantine/core";
import { useState } from "react";
import { ArtworkImage } from "../../../../components/artwork-card";
import type { Artwork } from "../../../../hooks/api/catalog";
import { useI18n } from "../../../../i18n";

type Image = Artwork["images"][number];

/**
 * The primary image large, the others as thumbnails that swap it (buttons: keyboard friendly), and a
 * zoom view: the large variant fitted to the screen, or at full size to pan around by scrolling.
 */
export function Gallery({ artwork, alt }: { artwork: Artwork; alt: string }) {
  const { t } = useI18n();
  const images = artwork.images.length ? artwork.images : artwork.primaryImage ? [artwork.primaryImage] : [];
  const [index, setIndex] = useState(() =>
    Math.max(
      0,
      images.findIndex((i) => i.isPrimary),
    ),
  );
  const [zoomOpen, setZoomOpen] = useState(false);
  const current = images[index] ?? null;
  return (
    <div>
      <Box pos="relative">
        <ArtworkImage image={current} alt={alt} size="large" eager />
        {current && (
          <Button
            pos="absolute"
            bottom={12}
            right={12}
            size="compact-sm"
            variant="white"
            onClick={() => setZoomOpen(true)}
            aria-haspopup="dialog"
          >
            {t("lot.zoom.open")}
          </Button>
        )}
      </Box>
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
      {current && <ZoomView image={current} alt={alt} opened={zoomOpen} onClose={() => setZoomOpen(false)} />}
    </div>
  );
}

function ZoomView({
  image,
  alt,
  opened,
  onClose,
}: {
  image: Image;
  alt: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [full, setFull] = useState(false);
  const large = image.variants.large;
  return (
    <Modal
      opened={opened}
      onClose={() => {
        setFull(false);
        onClose();
      }}
      fullScreen
      title={alt}
      closeButtonProps={{ "aria-label": t("common.close") }}
    >
      <Group justify="center" mb="sm">
        <Button variant="default" size="compact-sm" onClick={() => setFull((f) => !f)} aria-pressed={full}>
          {full ? t("lot.zoom.fit") : t("lot.zoom.full")}
        </Button>
      </Group>
      <Box
        style={{
          overflow: "auto",
          maxHeight: "calc(100vh - 140px)",
          textAlign: "center",
          cursor: full ? "zoom-out" : "zoom-in",
        }}
        onClick={() => setFull((f) => !f)}
      >
        <img
          src={large.url}
          alt={alt}
          width={large.width}
          height={large.height}
          style={
            full
              ? { maxWidth: "none", width: large.width, height: "auto" }
              : { maxWidth: "100%", maxHeight: "calc(100vh - 160px)", width: "auto", height: "auto" }
          }
        />
      </Box>
    </Modal>
  );
}
