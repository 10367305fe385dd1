import { randomUUID } from "node:crypto";
import type { LotBid, MyBid } from "@arte/contracts/history.js";
import { eventually, readStream } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArtworkArchivedV1,
  ArtworkCreatedV1,
  ArtworkUpdatedV1,
  artworkEvent,
  type Harness,
  image,
  lotScript,
  publish,
  startHarness,
} from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const myBids = async (userId: string, query = "") => {
  const res = await h.get(`/v1/me/bids${query}`, { userId });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: MyBid[]; nextCursor: string | null };
};
const lotBids = async (lotId: string, auth?: { userId: string }) => {
  const res = await h.get(`/v1/lots/${lotId}/bids?limit=100`, auth);
  expect(res.statusCode).toBe(200);
  return res.json() as { items: LotBid[]; nextCursor: string | null };
};
/** Polls until the user's row of the lot satisfies `ok`. */
const myRow = (userId: string, lotId: string, ok: (r: MyBid) => boolean) =>
  eventually(async () => {
    const row = (await myBids(userId)).items.find((r) => r.lotId === lotId);
    return row && ok(row) ? row : undefined;
  });

describe("a lot's life, through real events on the bus", () => {
  it("bid → outbid → raise → win / lose; aliases stable and private; `you` marks the caller's bids", async () => {
    const [ana, ben, cho] = [randomUUID(), randomUUID(), randomUUID()];
    const lot = lotScript();
    await publish(h.bus, artworkEvent(ArtworkCreatedV1, lot.artworkId, 1, "무제", { primaryImage: image() }));
    await publish(h.bus, lot.scheduled());
    await publish(h.bus, lot.opened());

    await publish(h.bus, lot.bid({ userId: ana, alias: "Bidder 1", amount: 100_000 }));
    let a = await myRow(ana, lot.lotId, (r) => r.state === "LEADING");
    expect(a).toMatchObject({
      myHighestBid: 100_000,
      myBidCount: 1,
      currentPrice: 100_000,
      alias: "Bidder 1",
    });
    expect(a.lotStatus).toBe("OPEN");

    await publish(h.bus, lot.bid({ userId: ben, alias: "Bidder 2", amount: 110_000 }));
    await myRow(ben, lot.lotId, (r) => r.state === "LEADING");
    a = await myRow(ana, lot.lotId, (r) => r.state === "OUTBID");
    expect(a.currentPrice).toBe(110_000);

    // Ana bids again and leads; Ben's bid is answered at once by Ana's proxy maximum (he never leads).
    await publish(h.bus, lot.bid({ userId: ana, alias: "Bidder 1", amount: 130_000 }));
    await publish(h.bus, lot.bid({ userId: ben, alias: "Bidder 2", amount: 140_000, leading: false }));
    const b = await myRow(ben, lot.lotId, (r) => r.myBidCount === 2);
    expect(b).toMatchObject({ state: "OUTBID", myHighestBid: 140_000, currentPrice: 150_000 });
    // Ana raises her maximum (a RAISE keeps her lead); Cho is refused.
    await publish(h.bus, lot.bid({ userId: ana, alias: "Bidder 1", amount: 200_000, kind: "RAISE" }));
    await publish(h.bus, lot.rejected(cho, 120_000, "BID_TOO_LOW"));
    a = await myRow(ana, lot.lotId, (r) => r.myBidCount === 3);
    expect(a).toMatchObject({ state: "LEADING", myHighestBid: 200_000 });
    expect(a.artwork).toMatchObject({ titleKo: "무제", artistNameEn: "Kim Whanki", archived: false });
    expect(a.artwork?.primaryImage?.variants.thumb.url).toMatch(/^\/media\/artworks\/.+\/200\.webp$/);

    // A refused bid is not a bid: Cho has no row; the lot's history has the four accepted bids only.
    await eventually(async () => h.idle());
    expect((await myBids(cho)).items).toEqual([]);

    // The public history: newest first, aliases only, no user id anywhere, `you` only for the caller.
    const anon = await lotBids(lot.lotId);
    expect(anon.items.map((i) => [i.alias, i.amount, i.kind, i.leading, i.you])).toEqual([
      ["Bidder 1", 200_000, "RAISE", true, false],
      ["Bidder 2", 140_000, "BID", false, false],
      ["Bidder 1", 130_000, "BID", true, false],
      ["Bidder 2", 110_000, "BID", true, false],
      ["Bidder 1", 100_000, "BID", true, false],
    ]);
    const asAna = await lotBids(lot.lotId, { userId: ana });
    expect(asAna.items.map((i) => i.you)).toEqual([true, false, true, false, true]);
    const asBen = await lotBids(lot.lotId, { userId: ben });
    expect(asBen.items.map((i) => i.you)).toEqual([false, true, false, true, false]);
    for (const body of [anon, asAna, asBen].map((x) => JSON.stringify(x)))
      for (const id of [ana, ben, cho]) expect(body).not.toContain(id);

    // The end: closed (the leader still LEADING until the result), then sold to Ana.
    await publish(h.bus, lot.closed());
    a = await myRow(ana, lot.lotId, (r) => r.lotStatus === "CLOSED");
    expect(a.state).toBe("LEADING");
    await publish(h.bus, lot.rejected(ben, 300_000, "LOT_ENDED"));
    await publish(h.bus, lot.sold(ana));
    a = await myRow(ana, lot.lotId, (r) => r.lotStatus === "SOLD");
    expect(a.state).toBe("WON");
    expect((await myRow(ben, lot.lotId, (r) => r.lotStatus === "SOLD")).state).toBe("LOST");

    // Filters by state.
    expect((await myBids(ana, "?state=WON")).items.map((r) => r.lotId)).toContain(lot.lotId);
    expect((await myBids(ana, "?state=LEADING")).items.map((r) => r.lotId)).not.toContain(lot.lotId);
    expect((await myBids(ben, "?state=LOST")).items.map((r) => r.lotId)).toEqual([lot.lotId]);

    // The audit has every attempt: five accepted, two refused with their codes (admins see user ids).
    await eventually(async () => h.idle());
    const audit = await h.get(`/v1/admin/bid-attempts?lotId=${lot.lotId}&limit=100`, { role: "ADMIN" });
    expect(audit.statusCode).toBe(200);
    const attempts = audit.json().items as { outcome: string; code: string | null; userId: string }[];
    expect(attempts.filter((x) => x.outcome === "ACCEPTED")).toHaveLength(5);
    expect(
      attempts
        .filter((x) => x.outcome === "REJECTED")
        .map((x) => [x.userId, x.code])
        .sort(),
    ).toEqual(
      [
        [cho, "BID_TOO_LOW"],
        [ben, "LOT_ENDED"],
      ].sort(),
    );
  });

  it("an unsold lot is LOST for every bidder, and aliases are per lot", async () => {
    const [dan, eve] = [randomUUID(), randomUUID()];
    const lot = lotScript();
    await publish(h.bus, lot.opened());
    await publish(h.bus, lot.bid({ userId: eve, alias: "Bidder 1", amount: 100_000 }));
    await publish(h.bus, lot.bid({ userId: dan, alias: "Bidder 2", amount: 120_000 }));
    await myRow(dan, lot.lotId, (r) => r.state === "LEADING");
    await publish(h.bus, lot.unsold());
    expect((await myRow(dan, lot.lotId, (r) => r.lotStatus === "UNSOLD")).state).toBe("LOST");
    expect((await myRow(eve, lot.lotId, (r) => r.lotStatus === "UNSOLD")).state).toBe("LOST");
    // No artwork event yet for this lot's artwork: the row still shows, without artwork details.
    expect((await myBids(dan)).items.find((r) => r.lotId === lot.lotId)?.artwork).toBeNull();

    // Dan on another lot is someone else's "Bidder 1" there: the alias says nothing across lots.
    const other = lotScript();
    await publish(h.bus, other.bid({ userId: dan, alias: "Bidder 1", amount: 100_000 }));
    expect((await myRow(dan, other.lotId, () => true)).alias).toBe("Bidder 1");
  });

  it("events without an alias: bidders numbered in the order of their first bid, stable afterwards", async () => {
    const [u1, u2] = [randomUUID(), randomUUID()];
    const lot = lotScript();
    await publish(h.bus, lot.bid({ userId: u2, amount: 100_000 }));
    await myRow(u2, lot.lotId, () => true);
    await publish(h.bus, lot.bid({ userId: u1, amount: 110_000 }));
    await myRow(u1, lot.lotId, () => true);
    await publish(h.bus, lot.bid({ userId: u2, amount: 120_000 }));
    await myRow(u2, lot.lotId, (r) => r.myBidCount === 2);
    const bids = await lotBids(lot.lotId);
    expect(bids.items.map((i) => i.alias)).toEqual(["Bidder 1", "Bidder 2", "Bidder 1"]);
  });
});

describe("redelivery and arrival order", () => {
  it("applies each fact once, whatever the order and however often it arrives", async () => {
    const [p, q] = [randomUUID(), randomUUID()];
    const lot = lotScript();
    const scheduled = lot.scheduled();
    const opened = lot.opened();
    const b1 = lot.bid({ userId: p, alias: "Bidder 1", amount: 100_000 });
    const b2 = lot.bid({ userId: q, alias: "Bidder 2", amount: 110_000 });
    const b3 = lot.bid({ userId: p, alias: "Bidder 1", amount: 120_000 });
    const b4 = lot.bid({ userId: q, alias: "Bidder 2", amount: 125_000, leading: false });
    const closed = lot.closed();
    const sold = lot.sold(p);
    const rejected = lot.rejected(q, 90_000, "BID_TOO_LOW");

    // Newest first; then everything again under other msg ids (the broker cannot dedupe those), the
    // rejection twice, and one bid re-published under a new event id (same bid id: the natural key).
    for (const ev of [sold, closed, b4, b3, b2, b1, opened, scheduled, rejected]) await publish(h.bus, ev);
    for (const ev of [b1, b2, b3, b4, sold, rejected]) await publish(h.bus, ev, `${ev.id}:again`);
    await publish(h.bus, { ...b3, id: randomUUID() });

    const row = await myRow(p, lot.lotId, (r) => r.lotStatus === "SOLD" && r.myBidCount >= 2);
    await eventually(async () => h.idle());
    const final = (await myBids(p)).items.find((r) => r.lotId === lot.lotId)!;
    expect(final).toMatchObject({ state: "WON", myBidCount: 2, myHighestBid: 120_000, bidCount: 4 });
    expect(row.currentPrice).toBe(final.currentPrice);
    expect((await myBids(q)).items.find((r) => r.lotId === lot.lotId)).toMatchObject({
      state: "LOST",
      myBidCount: 2,
      myHighestBid: 125_000,
    });
    const bids = await lotBids(lot.lotId);
    expect(bids.items.map((i) => i.amount)).toEqual([125_000, 120_000, 110_000, 100_000]);
    const audit = await h.get(`/v1/admin/bid-attempts?lotId=${lot.lotId}`, { role: "ADMIN" });
    const outcomes = (audit.json().items as { outcome: string }[]).map((x) => x.outcome);
    expect(outcomes.filter((o) => o === "ACCEPTED")).toHaveLength(4);
    expect(outcomes.filter((o) => o === "REJECTED")).toHaveLength(1);
    // The stored snapshot is the newest one (SOLD, version 8), not the last one to arrive.
    const stored = await h.db
      .selectFrom("lot")
      .select(["status", "version"])
      .where("lot_id", "=", lot.lotId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: "SOLD", version: 8 });
  });

  it("the leader follows the newest leading bid even when an older one arrives last", async () => {
    const [p, q] = [randomUUID(), randomUUID()];
    const lot = lotScript();
    const b1 = lot.bid({ userId: p, alias: "Bidder 1", amount: 100_000 });
    const b2 = lot.bid({ userId: q, alias: "Bidder 2", amount: 110_000 });
    await publish(h.bus, b2);
    await myRow(q, lot.lotId, (r) => r.state === "LEADING");
    await publish(h.bus, b1);
    expect((await myRow(p, lot.lotId, () => true)).state).toBe("OUTBID");
    await eventually(async () => h.idle());
    expect((await myRow(q, lot.lotId, () => true)).state).toBe("LEADING");
  });

  it("artwork events: newest version wins, archived shows, an older one arriving late changes nothing", async () => {
    const user = randomUUID();
    const lot = lotScript();
    await publish(h.bus, lot.bid({ userId: user, alias: "Bidder 1", amount: 100_000 }));
    const v1 = artworkEvent(ArtworkCreatedV1, lot.artworkId, 1, "첫 제목");
    const v2 = artworkEvent(ArtworkUpdatedV1, lot.artworkId, 2, "새 제목", { images: [image()] });
    const v3 = artworkEvent(ArtworkArchivedV1, lot.artworkId, 3, "새 제목", { images: [image()] });
    await publish(h.bus, v2);
    const row = await myRow(user, lot.lotId, (r) => r.artwork?.titleKo === "새 제목");
    expect(row.artwork?.primaryImage).not.toBeNull();
    await publish(h.bus, v1);
    await publish(h.bus, v3);
    await myRow(user, lot.lotId, (r) => r.artwork?.archived === true);
    await eventually(async () => h.idle());
    expect((await myRow(user, lot.lotId, () => true)).artwork?.titleKo).toBe("새 제목");
  });
});

it("two instances, many bidders at once, no aliases in the events: each bidder one alias, each bid once", async () => {
  await h.secondInstance();
  const lot = lotScript();
  const users = Array.from({ length: 20 }, () => randomUUID());
  const events = [...users, ...users].map((userId, k) => lot.bid({ userId, amount: 100_000 + k * 10_000 }));
  await Promise.all(events.map((ev) => publish(h.bus, ev)));
  await eventually(async () => (await lotBids(lot.lotId)).items.length === 40 && h.idle(), 20_000);
  const bids = (await lotBids(lot.lotId)).items;
  const aliases = new Set(bids.map((b) => b.alias));
  expect([...aliases].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `Bidder ${i + 1}`).sort());
  for (const userId of users) {
    const mine = (await lotBids(lot.lotId, { userId })).items.filter((b) => b.you);
    expect(mine).toHaveLength(2);
    expect(new Set(mine.map((b) => b.alias)).size).toBe(1);
    expect((await myRow(userId, lot.lotId, () => true)).myBidCount).toBe(2);
  }
});

it("dead-lettered nothing: every event above matched its contract and applied", async () => {
  await eventually(async () => h.idle());
  expect(await readStream(h.bus, h.bus.stream("DLQ"))).toEqual([]);
});

it("dead-letters an event that breaks its contract, and keeps going", async () => {
  const bad = { id: randomUUID(), type: "auction.bid.rejected.v1", occurredAt: new Date().toISOString() };
  await publish(h.bus, { ...bad, data: { lotId: "not-a-uuid" } } as never);
  const entries = await eventually(async () => {
    const e = await readStream(h.bus, h.bus.stream("DLQ"));
    return e.length ? e : undefined;
  });
  expect(entries[0]?.headers["Dlq-Reason"]).toMatch(/contract violation/);
  const user = randomUUID();
  const lot = lotScript();
  await publish(h.bus, lot.bid({ userId: user, alias: "Bidder 1", amount: 100_000 }));
  await myRow(user, lot.lotId, () => true);
});
