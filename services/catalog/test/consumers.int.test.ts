import { randomUUID } from "node:crypto";
import { AUCTION_STREAM, auction, catalog, durableName, type EventSchema } from "@arte/contracts";
import { type Bus, callRpc } from "@arte/platform";
import { createTestBus, eventually, testLogger } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsumers } from "../src/consumers/auction-events.consumer.js";
import { serveArtworkStatus } from "../src/modules/artworks/artwork-status.rpc.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
let tbus: Awaited<ReturnType<typeof createTestBus>>;
let consumers: { stop(): Promise<void> };
let artistId: string;

beforeAll(async () => {
  [h, tbus] = await Promise.all([startHarness(), createTestBus([AUCTION_STREAM])]);
  consumers = await startConsumers({
    db: h.db,
    bus: tbus.bus,
    log: testLogger("catalog"),
    backoffMs: () => 100,
  });
  artistId = (await h.createArtist()).id;
});
afterAll(async () => {
  await consumers?.stop();
  await tbus?.destroy();
  await h?.close();
});

function event(schema: EventSchema, data: Record<string, unknown>) {
  return schema.parse({
    id: randomUUID(),
    type: schema.shape.type.value,
    occurredAt: new Date().toISOString(),
    data,
  });
}
async function publish(bus: Bus, ev: { id: string; type: string }, msgID = ev.id) {
  await bus.js.publish(bus.subject(ev.type), JSON.stringify(ev), { msgID });
}
async function idle() {
  for (const schema of auction.lotEvents) {
    const info = await tbus.bus.jsm.consumers.info(
      tbus.bus.stream(AUCTION_STREAM.name),
      durableName("catalog", schema.shape.type.value),
    );
    if (info.num_pending !== 0 || info.num_ack_pending !== 0) return false;
  }
  return true;
}

describe("auction events → the listing read model", () => {
  it("applies each event once, in version order, whatever the arrival order and however often", async () => {
    const a = await h.createArtwork(artistId);
    const lotId = randomUUID();
    const t0 = Date.now();
    const snap = (version: number, status: string, currentPrice: number, bidCount: number, endsMin = 60) => ({
      lotId,
      artworkId: a.id,
      status,
      currentPrice,
      bidCount,
      startsAt: new Date(t0).toISOString(),
      endsAt: new Date(t0 + endsMin * 60_000).toISOString(),
      version,
    });
    const scheduled = event(auction.LotScheduledV1, snap(1, "SCHEDULED", 1_000_000, 0));
    const opened = event(auction.LotOpenedV1, snap(2, "OPEN", 1_000_000, 0));
    const bid1 = event(auction.BidPlacedV1, snap(3, "OPEN", 1_100_000, 1));
    const bid2 = event(auction.BidPlacedV1, snap(4, "OPEN", 1_200_000, 2, 63));

    // Newest first, then the older ones, then replays (same event id under another msg id, and again).
    await publish(tbus.bus, bid2);
    await eventually(
      async () => (await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` })).json().auction,
    );
    await publish(tbus.bus, bid1);
    await publish(tbus.bus, opened);
    await publish(tbus.bus, scheduled);
    await publish(tbus.bus, bid2, `${bid2.id}-again`);
    await publish(tbus.bus, bid1, `${bid1.id}-again`);
    await eventually(idle);

    const res = await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` });
    expect(res.json().auction).toEqual({
      lotId,
      status: "OPEN",
      currentPrice: 1_200_000,
      bidCount: 2,
      startsAt: new Date(t0).toISOString(),
      endsAt: new Date(t0 + 63 * 60_000).toISOString(),
    });
    const state = await h.db
      .selectFrom("lot_state")
      .selectAll()
      .where("lot_id", "=", lotId)
      .executeTakeFirstOrThrow();
    expect(state.version).toBe(4);
    // Every event id claimed once per consumer: four ids, no double.
    const inbox = await h.db
      .selectFrom("inbox")
      .select(["consumer", "message_id"])
      .where("message_id", "in", [scheduled.id, opened.id, bid1.id, bid2.id])
      .execute();
    expect(inbox).toHaveLength(4);

    // Archive is refused while the lot is open …
    const refused = await h.app.inject({
      method: "POST",
      url: `/v1/admin/artworks/${a.id}/archive`,
      headers: h.admin,
      payload: { version: 1 },
    });
    expect(refused.json().code).toBe("ARTWORK_IN_AUCTION");

    // … and allowed once it is sold.
    await publish(tbus.bus, event(auction.LotClosedV1, snap(5, "CLOSED", 1_200_000, 2, 63)));
    await publish(tbus.bus, event(auction.LotSoldV1, snap(6, "SOLD", 1_200_000, 2, 63)));
    await eventually(
      async () =>
        (await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` })).json().auction.status === "SOLD",
    );
    const sold = await h.app.inject({ method: "GET", url: "/v1/artworks?status=SOLD" });
    expect(sold.json().items.map((i: { id: string }) => i.id)).toContain(a.id);
    const ok = await h.app.inject({
      method: "POST",
      url: `/v1/admin/artworks/${a.id}/archive`,
      headers: h.admin,
      payload: { version: 1 },
    });
    expect(ok.statusCode).toBe(200);
  });

  it("shows a re-scheduled lot over an unsold one, and a cancelled lot leaves it unscheduled-looking", async () => {
    const a = await h.createArtwork(artistId);
    const base = { artworkId: a.id, currentPrice: 500_000, bidCount: 0 };
    const old = randomUUID();
    const fresh = randomUUID();
    const t = Date.now();
    await publish(
      tbus.bus,
      event(auction.LotUnsoldV1, {
        ...base,
        lotId: old,
        status: "UNSOLD",
        startsAt: new Date(t - 7200_000).toISOString(),
        endsAt: new Date(t - 3600_000).toISOString(),
        version: 5,
      }),
    );
    await publish(
      tbus.bus,
      event(auction.LotScheduledV1, {
        ...base,
        lotId: fresh,
        status: "SCHEDULED",
        startsAt: new Date(t + 3600_000).toISOString(),
        endsAt: new Date(t + 7200_000).toISOString(),
        version: 1,
      }),
    );
    await eventually(
      async () =>
        (await h.app.inject({ method: "GET", url: `/v1/artworks/${a.id}` })).json().auction?.lotId === fresh,
    );
  });

  it("dead-letters an event that breaks its contract (and applies nothing)", async () => {
    const bad = {
      id: randomUUID(),
      type: "auction.lot.opened.v1",
      occurredAt: new Date().toISOString(),
      data: { lotId: "x" },
    };
    await publish(tbus.bus, bad);
    await eventually(idle);
    const dlq = await tbus.bus.jsm.streams.info(tbus.bus.stream("DLQ"));
    expect(dlq.state.messages).toBeGreaterThanOrEqual(1);
  });
});

describe("catalog.artwork_status (asked by the auction before it schedules a lot)", () => {
  it("answers whether an artwork exists and whether it is archived", async () => {
    const sub = serveArtworkStatus({ db: h.db, bus: tbus.bus, log: testLogger("catalog") });
    try {
      const ask = (artworkId: string) => callRpc(tbus.bus, catalog.ArtworkStatusRpc, { artworkId });
      const a = await h.createArtwork(artistId);
      expect(await ask(a.id)).toEqual({ exists: true, archived: false });
      expect(await ask(randomUUID())).toEqual({ exists: false, archived: false });
      const archived = await h.app.inject({
        method: "POST",
        url: `/v1/admin/artworks/${a.id}/archive`,
        headers: h.admin,
        payload: { version: 1 },
      });
      expect(archived.statusCode).toBe(200);
      expect(await ask(a.id)).toEqual({ exists: true, archived: true });
      await expect(
        callRpc(tbus.bus, catalog.ArtworkStatusRpc, { artworkId: "not-a-uuid" } as never),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    } finally {
      sub.unsubscribe();
    }
  });
});
