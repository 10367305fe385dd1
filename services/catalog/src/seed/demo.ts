import type { CreateArtworkBody, Medium } from "@arte/contracts/catalog.js";
import { MEDIA } from "@arte/contracts/catalog.js";
import type { Logger } from "@arte/platform";
import type { Kysely } from "kysely";
import sharp from "sharp";
import { createServices } from "../app.js";
import type { BlobStore } from "../blob/blob-store.js";
import type { CatalogDb } from "../db/schema.js";

export type SeedDeps = { db: Kysely<CatalogDb>; blobs: BlobStore; log: Logger };

const ARTISTS = [
  {
    nameKo: "김하늘",
    nameEn: "Kim Haneul",
    birthYear: 1968,
    country: "KR",
    bio: "서울에서 활동하는 추상화가. 색면과 빛의 관계를 탐구한다.",
  },
  {
    nameKo: "이서연",
    nameEn: "Lee Seoyeon",
    birthYear: 1979,
    country: "KR",
    bio: "조각가. 청동과 철을 이용해 자연의 형태를 재해석한다.",
  },
  {
    nameKo: "박민준",
    nameEn: "Park Minjun",
    birthYear: 1985,
    country: "KR",
    bio: "Photographer of cities at night, working between Seoul and Busan.",
  },
  {
    nameKo: "마리 뒤부아",
    nameEn: "Marie Dubois",
    birthYear: 1954,
    country: "FR",
    bio: "Dessinatrice parisienne; pastel and graphite studies of faces.",
  },
  {
    nameKo: "다나카 유키",
    nameEn: "Yuki Tanaka",
    birthYear: 1972,
    country: "JP",
    bio: "Printmaker known for woodblock and screen prints of the sea.",
  },
  {
    nameKo: "최지우",
    nameEn: "Choi Jiwoo",
    birthYear: 1990,
    country: "KR",
    bio: "종이 위에 수채와 먹으로 도시의 일상을 기록한다.",
  },
  {
    nameKo: "애나 밀러",
    nameEn: "Anna Miller",
    birthYear: 1981,
    country: "US",
    bio: "Fiber artist weaving wool and cotton into geometric landscapes.",
  },
];

/** Which artist works in which medium (index into ARTISTS), and how many works. */
const PLAN: { medium: Medium; artist: number; count: number }[] = [
  { medium: "PAINTING", artist: 0, count: 6 },
  { medium: "SCULPTURE", artist: 1, count: 6 },
  { medium: "PHOTOGRAPHY", artist: 2, count: 6 },
  { medium: "DRAWING", artist: 3, count: 6 },
  { medium: "PRINT", artist: 4, count: 6 },
  { medium: "PAPER", artist: 5, count: 5 },
  { medium: "FIBER", artist: 6, count: 5 },
];

const TITLES_KO = [
  "고요",
  "새벽",
  "파동",
  "경계",
  "기억의 정원",
  "푸른 시간",
  "빛의 조각",
  "여름 끝",
  "바람의 길",
  "겹",
  "흐름",
  "침묵의 색",
];
const TITLES_EN = [
  "Stillness",
  "Dawn",
  "Waves",
  "Boundary",
  "Garden of Memory",
  "Blue Hour",
  "Fragments of Light",
  "End of Summer",
  "Path of Wind",
  "Layers",
  "Flow",
  "Colour of Silence",
];

/** A small deterministic PRNG (mulberry32): the same demo every time. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(h)},${Math.round(s)}%,${Math.round(l)}%)`;

/** An abstract picture (gradient, circles, bands) drawn as SVG and rasterised by sharp: no downloads. */
export async function abstractImage(seed: number, width = 1024, height = 768): Promise<Buffer> {
  const r = rng(seed);
  const hue = r() * 360;
  const shapes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const h = (hue + r() * 120 - 60 + 360) % 360;
    if (r() < 0.5) {
      shapes.push(
        `<circle cx="${r() * width}" cy="${r() * height}" r="${60 + r() * 260}" fill="${hsl(h, 60 + r() * 30, 40 + r() * 30)}" fill-opacity="${0.35 + r() * 0.5}"/>`,
      );
    } else {
      shapes.push(
        `<rect x="${r() * width * 0.8}" y="${r() * height * 0.8}" width="${80 + r() * 500}" height="${40 + r() * 300}" transform="rotate(${r() * 40 - 20} ${width / 2} ${height / 2})" fill="${hsl(h, 50 + r() * 40, 30 + r() * 40)}" fill-opacity="${0.4 + r() * 0.5}"/>`,
      );
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${hsl(hue, 55, 85)}"/><stop offset="1" stop-color="${hsl((hue + 40) % 360, 45, 35)}"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join("")}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/**
 * The demo catalogue: 7 artists (with portraits) and 40 artworks across all seven media, each with one
 * or two generated abstract images. Idempotent: does nothing when any artwork exists. Runs through the
 * same services as the admin API (validation, blob staging, outbox events).
 */
export async function seedDemo(
  deps: SeedDeps,
): Promise<{ artists: number; artworks: number; skipped: boolean }> {
  const existing = await deps.db.selectFrom("artwork").select("id").limit(1).executeTakeFirst();
  if (existing) return { artists: 0, artworks: 0, skipped: true };
  const s = createServices({ db: deps.db, blobs: deps.blobs, verifier: null as never, log: deps.log });
  const artistIds: string[] = [];
  for (const [i, a] of ARTISTS.entries()) {
    const created = await s.artists.create({
      nameKo: a.nameKo,
      nameEn: a.nameEn,
      birthYear: a.birthYear,
      country: a.country,
      biography: a.bio,
    });
    await s.artists.setPortrait(created.id, await abstractImage(9000 + i, 480, 480));
    artistIds.push(created.id);
  }
  let n = 0;
  for (const p of PLAN) {
    const m = MEDIA[p.medium];
    for (let i = 0; i < p.count; i++) {
      const r = rng(n * 7919 + 13);
      const low = (Math.floor(r() * 90) + 5) * 100_000; // 500,000 – 9,400,000 won
      const body: CreateArtworkBody = {
        artistId: artistIds[p.artist]!,
        titleKo: `${TITLES_KO[(n + i) % TITLES_KO.length]} ${i + 1}`,
        titleEn: `${TITLES_EN[(n + i) % TITLES_EN.length]} ${i + 1}`,
        description: `${ARTISTS[p.artist]!.nameKo}의 ${m.ko} 작품. An ${m.en.toLowerCase()} work by ${ARTISTS[p.artist]!.nameEn}, no. ${i + 1} of the demo series.`,
        country: ARTISTS[p.artist]!.country,
        completionDate: `${2000 + ((n * 3) % 24)}-${String(1 + (n % 12)).padStart(2, "0")}`,
        size: {
          widthCm: Math.round((20 + r() * 180) * 10) / 10,
          heightCm: Math.round((20 + r() * 150) * 10) / 10,
          depthCm: p.medium === "SCULPTURE" ? Math.round((10 + r() * 80) * 10) / 10 : null,
        },
        medium: p.medium,
        theme: m.themes[i % m.themes.length]!,
        style: m.styles[(i + 1) % m.styles.length]!,
        technique: m.techniques[i % m.techniques.length]!,
        estimateLow: low,
        estimateHigh: low * 2,
        conditionReport: "양호. Good overall condition; minor wear to the frame.",
      };
      const art = await s.artworks.create(body, "seed-demo");
      const images = [await abstractImage(n * 2 + 1)];
      if (i % 2 === 0) images.push(await abstractImage(n * 2 + 2, 768, 1024));
      await s.images.upload(art.id, images);
      n++;
    }
  }
  deps.log.info({ artists: artistIds.length, artworks: n }, "demo catalogue seeded");
  return { artists: artistIds.length, artworks: n, skipped: false };
}
