/**
 * Catalog listing over 10,000 artworks: search-free filters plus a sort, through the catalog's HTTP
 * app at steady load (autocannon), beside two same-run baselines: the same page + facet queries run
 * on the pool directly (no HTTP), and /healthz through the same HTTP stack.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { buildApp, type CatalogDb, createFsBlobStore, migrations, SCHEMA } from "@arte/catalog";
import { catalog } from "@arte/contracts";
import { createTestDatabase, createTestKeys, testLogger } from "@arte/testing";
import autocannon from "autocannon";
import { sql } from "kysely";
import { listingRepository } from "../services/catalog/src/modules/listing/listing.repository.js";
import { runLoad } from "./lib/load.js";
import type { Bench, BenchResult } from "./lib/types.js";

const ARTWORKS = 10_000;
const CONNECTIONS = 10;
const SECONDS = 10;
/** Steady load = this share of the measured capacity. */
const STEADY_SHARE = 0.5;
const QUERY = "medium=PAINTING&status=OPEN&minPrice=100000&maxPrice=50000000&sort=ending_soon&limit=24";

async function seed(db: import("kysely").Kysely<CatalogDb>) {
  const artists = Array.from({ length: 50 }, (_, i) => ({
    id: randomUUID(),
    name_ko: `작가 ${i}`,
    name_en: `Artist ${i}`,
    birth_year: 1950 + i,
    country: "KR",
    biography: null,
    portrait: null,
  }));
  await db.insertInto("artist").values(artists).execute();
  const media = Object.entries(catalog.MEDIA);
  const statuses = ["NONE", "SCHEDULED", "OPEN", "OPEN", "CLOSED", "SOLD", "UNSOLD"];
  const now = Date.now();
  for (let start = 0; start < ARTWORKS; start += 1000) {
    const rows = [];
    const images = [];
    for (let i = start; i < Math.min(ARTWORKS, start + 1000); i++) {
      const [medium, m] = media[i % media.length]!;
      const artist = artists[i % artists.length]!;
      const status = statuses[Math.floor(i / 7) % statuses.length]!;
      const low = 100_000 + ((i * 7919) % 500) * 50_000;
      const hasLot = status !== "NONE";
      const endsAt = new Date(now + ((i % 500) - 100) * 60_000);
      const id = randomUUID();
      rows.push({
        id,
        artist_id: artist.id,
        title_ko: `작품 ${i}`,
        title_en: `Work ${i}`,
        title_key: `작품 ${i}`,
        description: `설명 ${i}. Description of work ${i}.`,
        country: "KR",
        completion_date: "2020",
        width_mm: 900,
        height_mm: 700,
        depth_mm: null,
        medium,
        theme: m.themes[i % m.themes.length]!,
        style: m.styles[i % m.styles.length]!,
        technique: m.techniques[i % m.techniques.length]!,
        estimate_low: low,
        estimate_high: low * 2,
        condition_report: null,
        search_text: `작품 ${i} work ${i} ${artist.name_ko} ${artist.name_en}`.toLowerCase(),
        watch_count: i % 37,
        lot_id: hasLot ? randomUUID() : null,
        auction_status: status,
        current_price: hasLot ? low + (i % 13) * 10_000 : null,
        bid_count: hasLot ? i % 13 : 0,
        starts_at: hasLot ? new Date(now - 3600_000) : null,
        ends_at: hasLot ? endsAt : null,
        ending_key: status === "OPEN" || status === "SCHEDULED" ? endsAt.getTime() : 8_640_000_000_000_000,
        archived_at: null,
      });
      const v = (n: string) => ({
        key: `${randomUUID().replaceAll("-", "").slice(0, 22)}.${n}.webp`,
        width: 320,
        height: 240,
        bytes: 9000,
      });
      images.push({
        id: randomUUID(),
        artwork_id: id,
        position: 0,
        is_primary: true,
        width: 1024,
        height: 768,
        placeholder:
          "data:image/webp;base64,UklGRhIAAABXRUJQVlA4IAYAAAAwAQCdASoBAAEALmk0mk0iIiIiIgBoSygABc6zbAAA",
        variants: JSON.stringify({ thumb: v("thumb"), medium: v("medium"), large: v("large") }) as never,
      });
    }
    await db.insertInto("artwork").values(rows).execute();
    await db.insertInto("artwork_image").values(images).execute();
  }
  await sql`analyze`.execute(db);
}

/** Closed loop (as fast as answers come) or, with `rate`, a steady open load of that many req/s. */
function cannon(url: string, rate?: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: SECONDS,
        pipelining: 1,
        ...(rate ? { overallRate: rate } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

const bench: Bench = {
  name: "catalog-listing",
  async run(): Promise<BenchResult> {
    const tdb = await createTestDatabase<CatalogDb>({ schema: SCHEMA, migrations });
    const keys = await createTestKeys();
    const app = await buildApp({
      db: tdb.db,
      blobs: createFsBlobStore({ root: "/tmp/arte-bench-blobs" }),
      verifier: keys.verifier,
      log: testLogger("catalog"),
    });
    try {
      await seed(tdb.db);
      await app.listen({ host: "127.0.0.1", port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const check = await fetch(`${base}/v1/artworks?${QUERY}`);
      const body = (await check.json()) as { items: unknown[]; total: number };
      if (check.status !== 200 || body.items.length === 0)
        throw new Error(`listing answered ${check.status}`);

      await cannon(`${base}/v1/artworks?${QUERY}`); // warm-up (JIT, plans, pool)
      // Capacity: closed loop, as fast as the answers come (latency there is mostly queueing).
      const max = await cannon(`${base}/v1/artworks?${QUERY}`);
      // Latency at a steady load of half that capacity (the figure the goal is about).
      const rate = Math.max(10, Math.floor(max.requests.average * STEADY_SHARE));
      const listing = await cannon(`${base}/v1/artworks?${QUERY}`, rate);
      const health = await cannon(`${base}/healthz`);

      // Baseline: the same page + facet queries on the pool, no HTTP, same concurrency.
      const q = catalog.ListArtworksQuery.parse(Object.fromEntries(new URLSearchParams(QUERY)));
      const direct = await runLoad({
        concurrency: CONNECTIONS,
        total: 1_000_000,
        maxMs: SECONDS * 1000,
        fn: async () => {
          await Promise.all([listingRepository.page(tdb.db, q, null), listingRepository.facets(tdb.db, q)]);
        },
      });
      const failed = listing.errors + listing.non2xx + max.errors + max.non2xx;
      return {
        name: "catalog-listing",
        description: `GET /v1/artworks?${QUERY} over ${ARTWORKS} artworks (${body.total} match; first page: 24 items + facets + total), autocannon ${CONNECTIONS} connections × ${SECONDS} s: latency at a steady ${rate} req/s (${STEADY_SHARE * 100} % of capacity), capacity in a closed loop; autocannon, Node and Postgres share the machine`,
        figures: [
          {
            name: "listing p99",
            value: listing.latency.p99,
            unit: "ms",
            goal: "p99 ≤ 50 ms",
            met: listing.latency.p99 <= 50 && failed === 0,
            baseline: { name: "same queries on the pool, p99", value: round(direct.p99), unit: "ms" },
          },
          {
            name: "listing p50",
            value: listing.latency.p50,
            unit: "ms",
            baseline: { name: "same queries on the pool, p50", value: round(direct.p50), unit: "ms" },
          },
          {
            name: "listing capacity (closed loop)",
            value: round(max.requests.average),
            unit: "req/s",
            baseline: {
              name: "/healthz through the same stack",
              value: round(health.requests.average),
              unit: "req/s",
            },
          },
          { name: "listing errors", value: failed, unit: "responses" },
        ],
        notes: [
          `closed loop: p50 ${max.latency.p50} ms, p99 ${max.latency.p99} ms (queueing at saturation)`,
          `direct queries: ${round(direct.perSecond)} pages/s`,
          `healthz p99 ${health.latency.p99} ms`,
        ],
      };
    } finally {
      await app.close();
      await tdb.drop();
    }
  },
};
export default bench;

const round = (n: number) => Math.round(n * 100) / 100;
