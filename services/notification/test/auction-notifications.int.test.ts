import { randomUUID } from "node:crypto";
import { AUCTION_STREAM, auction, CATALOG_STREAM, catalog, USER_STREAM, users } from "@arte/contracts";
import { createDb } from "@arte/platform";
import {
  createTestBus,
  createTestDatabase,
  eventually,
  startSmtpServer,
  type TestDatabase,
  type TestSmtp,
} from "@arte/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "../src/db/migrations/index.js";
import { type NotificationDb, SCHEMA } from "../src/db/schema.js";
import type { DeliverOptions } from "../src/modules/email/delivery.service.js";
import { readModels } from "../src/modules/readmodels/readmodels.repository.js";
import { createReminderJob } from "../src/modules/reminders/reminder.job.js";
import { consumerIdle, makeEvent, PUBLIC_URL, publish, recipient, sleep, startService } from "./helpers.js";

const { BidOutbidV1, BidPlacedV1, LotOpenedV1, LotScheduledV1, LotSoldV1, LotUnsoldV1 } = auction;
const { ArtworkCreatedV1, ArtworkWatchedV1, ArtworkUnwatchedV1 } = catalog;

/** Short enough to wait out in a test, long enough for three quick events to fall inside it. */
const WINDOW_MS = 1500;

let tdb: TestDatabase<NotificationDb>;
let tbus: Awaited<ReturnType<typeof createTestBus>>;
let smtp: TestSmtp;
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  [tdb, tbus, smtp] = await Promise.all([
    createTestDatabase<NotificationDb>({ schema: SCHEMA, migrations }),
    createTestBus([USER_STREAM, AUCTION_STREAM, CATALOG_STREAM]),
    startSmtpServer(),
  ]);
  service = await startService({
    db: tdb.db,
    bus: tbus.bus,
    smtp,
    streams: [USER_STREAM.name, AUCTION_STREAM.name, CATALOG_STREAM.name],
    outbidEmailWindowMs: WINDOW_MS,
  });
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([tbus?.destroy(), smtp?.close()]);
  await tdb?.drop();
});

// ---- event builders -------------------------------------------------------------------------------

const send = (event: { id: string; type: string }, msgID?: string) =>
  publish(tbus.bus, event.type, event, msgID);
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

async function registerUser(locale: "ko" | "en", username = locale === "ko" ? "김하늘" : "Alex") {
  const userId = randomUUID();
  const email = recipient();
  await send(makeEvent(users.UserRegisteredV1, { userId, email, username, locale }));
  await eventually(() =>
    tdb.db.selectFrom("recipient").select("user_id").where("user_id", "=", userId).executeTakeFirst(),
  );
  return { userId, email, username, locale };
}

async function createArtwork(titleKo: string, titleEn: string | null) {
  const artworkId = randomUUID();
  await send(
    makeEvent(ArtworkCreatedV1, {
      artworkId,
      artistId: randomUUID(),
      artistNameKo: "작가",
      artistNameEn: "Artist",
      titleKo,
      titleEn,
      estimateLow: 1_000_000,
      estimateHigh: 2_000_000,
      version: 1,
    }),
  );
  await eventually(() =>
    tdb.db.selectFrom("artwork").select("artwork_id").where("artwork_id", "=", artworkId).executeTakeFirst(),
  );
  return artworkId;
}

const snapshot = (
  lotId: string,
  artworkId: string,
  o: Partial<{
    status: auction.LotStatus;
    version: number;
    startsAt: string;
    endsAt: string;
    price: number;
  }> = {},
) => ({
  lotId,
  artworkId,
  status: o.status ?? "OPEN",
  currentPrice: o.price ?? 1_000_000,
  bidCount: 1,
  startsAt: o.startsAt ?? inMs(-60_000),
  endsAt: o.endsAt ?? inMs(3_600_000),
  version: o.version ?? 2,
});

const outbid = (userId: string, lotId: string, artworkId: string, currentPrice = 1_100_000) =>
  makeEvent(BidOutbidV1, {
    lotId,
    artworkId,
    userId,
    currentPrice,
    nextMinimum: currentPrice + 50_000,
    endsAt: inMs(3_600_000),
    version: 3,
  });

const bid = (bidderUserId: string, lotId: string, artworkId: string, version: number) =>
  makeEvent(BidPlacedV1, { ...snapshot(lotId, artworkId, { version }), bidderUserId, amount: 1_000_000 });

/** A template's emails to an address (welcome emails to the test users are left out). */
const isTemplate = (m: (typeof smtp.mails)[number], template: string) =>
  String(m.parsed.messageId ?? "").includes(`.${template}@`);
const mailsTo = (to: string, template = "") =>
  smtp.mails.filter(
    (m) => m.to.includes(to) && (template ? isTemplate(m, template) : !isTemplate(m, "welcome")),
  );
const waitMail = (
  to: string,
  template: string,
  pred: (m: (typeof smtp.mails)[number]) => boolean = () => true,
) => smtp.waitFor((m) => m.to.includes(to) && isTemplate(m, template) && pred(m));
const notificationsOf = (userId: string) =>
  tdb.db.selectFrom("notification").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();
const sentRows = (userId: string) =>
  tdb.db
    .selectFrom("sent_message")
    .selectAll()
    .where("user_id", "=", userId)
    .where("template", "!=", "welcome")
    .orderBy("created_at")
    .execute();
const idle = async (...schemas: Parameters<typeof consumerIdle>[1][]) =>
  eventually(async () => (await Promise.all(schemas.map((s) => consumerIdle(tbus.bus, s)))).every(Boolean));

// ---- outbid ---------------------------------------------------------------------------------------

describe("outbid", () => {
  it("emails and notifies in-app, at most one email per (user, lot) per window", async () => {
    const user = await registerUser("en");
    const artworkId = await createArtwork("달항아리", "Moon Jar <b>");
    const lotId = randomUUID();

    const first = outbid(user.userId, lotId, artworkId, 1_100_000);
    await send(first);
    const mail = await waitMail(user.email, "outbid");
    expect(mail.subject).toBe("[Arte Moderni] You have been outbid on Moon Jar <b>");
    expect(mail.text).toContain("KRW 1,100,000");
    expect(mail.text).toContain("KRW 1,150,000");
    expect(mail.text).toContain(`${PUBLIC_URL}/lots/${lotId}`);
    expect(mail.html).toContain("Moon Jar &lt;b&gt;");
    expect(mail.html).not.toContain("Moon Jar <b>");

    // Two more inside the window (one of them for the same event, re-published): in-app yes, email no.
    const second = outbid(user.userId, lotId, artworkId, 1_200_000);
    await send(second);
    await send(first, `${first.id}:again`);
    // Another lot is another throttle slot.
    const otherLot = outbid(user.userId, randomUUID(), artworkId);
    await send(otherLot);
    await eventually(async () => (await notificationsOf(user.userId)).length === 3);
    await idle(BidOutbidV1);
    await sleep(100);
    expect(mailsTo(user.email)).toHaveLength(2);
    const rows = await sentRows(user.userId);
    expect(rows.map((r) => [r.event_id, r.status])).toEqual([
      [first.id, "SENT"],
      [second.id, "SKIPPED"],
      [otherLot.id, "SENT"],
    ]);
    expect(rows[1]?.error).toContain("throttled");
    const inApp = await notificationsOf(user.userId);
    expect(inApp.map((n) => n.kind)).toEqual(["outbid", "outbid", "outbid"]);
    expect(inApp[1]).toMatchObject({
      lot_id: lotId,
      artwork_id: artworkId,
      title_ko: "달항아리",
      title_en: "Moon Jar <b>",
      params: { currentPrice: 1_200_000, nextMinimum: 1_250_000, endsAt: second.data.endsAt },
      read_at: null,
    });

    // After the window, the next outbid on that lot is emailed again.
    await sleep(WINDOW_MS);
    const third = outbid(user.userId, lotId, artworkId, 1_300_000);
    await send(third);
    const again = await waitMail(user.email, "outbid", (m) => m.text.includes("KRW 1,300,000"));
    expect(again.subject).toContain("Moon Jar");
    expect(mailsTo(user.email)).toHaveLength(3);
  });

  it("lets one of three concurrent claims for one (user, lot) through the throttle", async () => {
    const user = await registerUser("ko");
    const lotId = randomUUID();
    const gate: DeliverOptions["gate"] = async (trx) =>
      (await readModels.takeThrottleSlot(trx, user.userId, lotId, WINDOW_MS)) ? null : "throttled";
    const outcomes = await Promise.all(
      [1_100_000, 1_200_000, 1_300_000].map((price) =>
        service.delivery.deliver(
          {
            eventId: randomUUID(),
            template: "outbid",
            userId: user.userId,
            to: user.email,
            locale: "ko",
            vars: {
              username: user.username,
              title: "무제",
              currentPrice: `${price}원`,
              nextMinimum: "-",
              endsAt: "-",
              lotUrl: `${PUBLIC_URL}/lots/${lotId}`,
            },
          },
          service.log,
          { gate },
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(["sent", "skipped", "skipped"]);
    expect(mailsTo(user.email)).toHaveLength(1);
    expect(mailsTo(user.email)[0]?.subject).toBe("[Arte Moderni] 더 높은 입찰이 들어왔습니다: 무제");
  });

  it("skips the email for a user it does not know, and still notifies in-app", async () => {
    const userId = randomUUID(); // e.g. the admin bootstrap user: no registration event
    const event = outbid(userId, randomUUID(), randomUUID());
    await send(event);
    const [row] = await eventually(async () => {
      const rows = await sentRows(userId);
      return rows.length ? rows : null;
    });
    expect(row).toMatchObject({ status: "SKIPPED", error: "recipient unknown", template: "outbid" });
    expect(await notificationsOf(userId)).toHaveLength(1);
  });
});

// ---- sold / unsold --------------------------------------------------------------------------------

describe("lot outcome", () => {
  it.each([
    [
      "ko",
      ["낙찰가: 1,250,000원", "구매 수수료: 187,500원", "합계: 1,437,500원"],
      "[Arte Moderni] 낙찰을 축하합니다: 한국어 제목",
    ],
    [
      "en",
      ["Hammer price:    KRW 1,250,000", "Buyer's premium: KRW 187,500", "Total:           KRW 1,437,500"],
      "[Arte Moderni] You won English title",
    ],
  ] as const)(
    "emails the winner (%s) with the amounts; the other bidders get 'lost' in-app",
    async (locale, lines, subject) => {
      const winner = await registerUser(locale);
      const loser = await registerUser("ko");
      const unknownLoser = randomUUID();
      const artworkId = await createArtwork("한국어 제목", "English title");
      const lotId = randomUUID();
      await send(bid(loser.userId, lotId, artworkId, 2));
      await send(bid(unknownLoser, lotId, artworkId, 3));
      await send(bid(winner.userId, lotId, artworkId, 4));
      await eventually(async () => {
        const r = await tdb.db
          .selectFrom("lot_bidder")
          .select("user_id")
          .where("lot_id", "=", lotId)
          .execute();
        return r.length === 3;
      });

      const sold = makeEvent(LotSoldV1, {
        ...snapshot(lotId, artworkId, { status: "SOLD", version: 6, price: 1_250_000 }),
        winnerUserId: winner.userId,
        hammerPrice: 1_250_000,
        premium: 187_500,
        premiumBps: 1500,
      });
      await send(sold);
      const mail = await waitMail(winner.email, "won");
      expect(mail.subject).toBe(subject);
      for (const line of lines) expect(mail.text).toContain(line);
      expect(mail.text).toContain(`${PUBLIC_URL}/my/purchases`);
      expect(mail.html).toContain(`href="${PUBLIC_URL}/my/purchases"`);
      expect(mail.html).toContain(`lang="${locale}"`);

      await eventually(async () => (await notificationsOf(unknownLoser)).length === 1);
      const [won] = await notificationsOf(winner.userId);
      expect(won).toMatchObject({
        kind: "won",
        lot_id: lotId,
        source_id: sold.id,
        params: { hammerPrice: 1_250_000, premium: 187_500, total: 1_437_500 },
      });
      for (const id of [loser.userId, unknownLoser]) {
        const n = await notificationsOf(id);
        expect(n.map((x) => [x.kind, x.source_id, x.params])).toEqual([
          ["lost", sold.id, { outcome: "SOLD" }],
        ]);
      }
      expect(mailsTo(loser.email)).toHaveLength(0);

      // A bid whose event is handled after the sale (consumers run independently) still gets its "lost".
      const late = randomUUID();
      await send(bid(late, lotId, artworkId, 5));
      await eventually(async () => (await notificationsOf(late)).length === 1);

      // Redelivery of everything: the sale twice more (another msg id), the bids again.
      await send(sold, `${sold.id}:again`);
      await send(bid(loser.userId, lotId, artworkId, 2), undefined);
      await idle(LotSoldV1, BidPlacedV1);
      await sleep(100);
      expect(mailsTo(winner.email)).toHaveLength(1);
      expect(await notificationsOf(winner.userId)).toHaveLength(1);
      expect(await notificationsOf(loser.userId)).toHaveLength(1);
      expect(await notificationsOf(late)).toHaveLength(1);
    },
  );

  it("tells every bidder of an unsold lot they did not win", async () => {
    const a = randomUUID();
    const b = randomUUID();
    const artworkId = await createArtwork("미판매", null);
    const lotId = randomUUID();
    await send(bid(a, lotId, artworkId, 2));
    await send(bid(b, lotId, artworkId, 3));
    await eventually(async () => {
      const r = await tdb.db.selectFrom("lot_bidder").select("user_id").where("lot_id", "=", lotId).execute();
      return r.length === 2;
    });
    const unsold = makeEvent(LotUnsoldV1, {
      ...snapshot(lotId, artworkId, { status: "UNSOLD", version: 5 }),
      reason: "RESERVE_NOT_MET",
    });
    await send(unsold);
    await send(unsold, `${unsold.id}:again`);
    for (const id of [a, b]) {
      const [n] = await eventually(async () => {
        const rows = await notificationsOf(id);
        return rows.length ? rows : null;
      });
      expect(n).toMatchObject({ kind: "lost", source_id: unsold.id, params: { outcome: "UNSOLD" } });
    }
    await idle(LotUnsoldV1);
    expect(await notificationsOf(a)).toHaveLength(1);
  });
});

// ---- starting soon --------------------------------------------------------------------------------

describe("starting soon", () => {
  let other: Kysely<NotificationDb>;
  beforeAll(() => {
    other = createDb<NotificationDb>({ url: tdb.url, schema: SCHEMA, max: 5 });
  });
  afterAll(async () => {
    await other?.destroy();
  });

  const watch = (userId: string, artworkId: string, at = new Date()) =>
    send(makeEvent(ArtworkWatchedV1, { artworkId, userId, watchCount: 1 }, at));
  const unwatch = (userId: string, artworkId: string, at = new Date()) =>
    send(makeEvent(ArtworkUnwatchedV1, { artworkId, userId, watchCount: 0 }, at));
  const reminders = (lotId: string) =>
    tdb.db.selectFrom("reminder").selectAll().where("lot_id", "=", lotId).execute();

  it("reminds each watcher once, even with two job instances; not those who unwatched", async () => {
    const artworkId = await createArtwork("별이 빛나는 밤", "Starry Night");
    const watchers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => registerUser(i % 2 ? "en" : "ko", `watcher${i}`)),
    );
    const quitter = await registerUser("en", "quitter");
    const stranger = randomUUID(); // watches, but no registration event reached us
    for (const w of [...watchers, quitter]) await watch(w.userId, artworkId);
    await watch(stranger, artworkId);
    await eventually(async () => {
      const r = await tdb.db
        .selectFrom("watcher")
        .select("user_id")
        .where("artwork_id", "=", artworkId)
        .execute();
      return r.length === 10;
    });

    const lotId = randomUUID();
    const startsAt = inMs(10 * 60_000); // inside the 30-minute lead: due at once
    const scheduled = makeEvent(LotScheduledV1, {
      ...snapshot(lotId, artworkId, { status: "SCHEDULED", version: 1, startsAt, endsAt: inMs(3_600_000) }),
      bidCount: 0,
    });
    await send(scheduled);
    await send(scheduled, `${scheduled.id}:again`);
    await eventually(async () => (await reminders(lotId)).length === 10);

    // Unwatching before the reminder goes out cancels it.
    await unwatch(quitter.userId, artworkId);
    await eventually(async () =>
      (await reminders(lotId)).some((r) => r.user_id === quitter.userId && r.status === "CANCELLED"),
    );
    // Someone who starts watching after the lot was scheduled is reminded too.
    const late = await registerUser("ko", "late");
    await watch(late.userId, artworkId);
    await eventually(async () => (await reminders(lotId)).length === 11);

    const log = service.log;
    const jobA = createReminderJob({ db: tdb.db, delivery: service.delivery, log, publicUrl: PUBLIC_URL });
    const jobB = createReminderJob({ db: other, delivery: service.delivery, log, publicUrl: PUBLIC_URL });
    const [a, b] = await Promise.all([jobA.tick(), jobB.tick()]);
    expect(a.sent + b.sent).toBe(9);
    expect(a.skipped + b.skipped).toBe(1);
    expect(a.sent > 0 && b.sent > 0).toBe(true); // both instances did part of the work

    for (const w of [...watchers, late]) {
      const mails = mailsTo(w.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.text).toContain(`${PUBLIC_URL}/lots/${lotId}`);
      expect(mails[0]?.subject).toMatch(
        w.locale === "ko" ? /^\[Arte Moderni\] (9|10)분 후 경매 시작: 별이 빛나는 밤$/ : /Starry Night$/,
      );
    }
    expect(mailsTo(quitter.email)).toHaveLength(0);
    const byUser = new Map((await reminders(lotId)).map((r) => [r.user_id, r]));
    expect(byUser.get(quitter.userId)?.status).toBe("CANCELLED");
    expect(byUser.get(stranger)).toMatchObject({ status: "SKIPPED", outcome: "recipient unknown" });
    expect(byUser.get(late.userId)?.status).toBe("SENT");
    const inApp = await notificationsOf(late.userId);
    expect(inApp).toHaveLength(1);
    expect(inApp[0]).toMatchObject({ kind: "starting_soon", lot_id: lotId, params: { startsAt } });
    expect(await notificationsOf(stranger)).toHaveLength(1);
    expect(await notificationsOf(quitter.userId)).toHaveLength(0);

    // Nothing left; another round sends nothing.
    const again = await Promise.all([jobA.tick(), jobB.tick()]);
    expect(again.every((r) => r.sent === 0 && r.skipped === 0)).toBe(true);
  });

  it("does not remind about a lot that is not due yet, or one already started", async () => {
    const artworkId = await createArtwork("나중에", null);
    const w = await registerUser("ko");
    await watch(w.userId, artworkId);
    const future = randomUUID();
    await send(
      makeEvent(LotScheduledV1, {
        ...snapshot(future, artworkId, { status: "SCHEDULED", version: 1, startsAt: inMs(2 * 3_600_000) }),
        endsAt: inMs(3 * 3_600_000),
      }),
    );
    await eventually(async () => (await reminders(future)).length === 1);
    const [r] = await reminders(future);
    expect(r?.due_at.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    const job = createReminderJob({
      db: tdb.db,
      delivery: service.delivery,
      log: service.log,
      publicUrl: PUBLIC_URL,
    });
    expect((await job.tick()).sent).toBe(0);
    // Make it due, but the lot has opened meanwhile (started early): skipped, not sent.
    await tdb.db.updateTable("reminder").set({ due_at: new Date() }).where("lot_id", "=", future).execute();
    await send(
      makeEvent(LotOpenedV1, {
        ...snapshot(future, artworkId, { status: "OPEN", version: 2, startsAt: inMs(2 * 3_600_000) }),
        endsAt: inMs(3 * 3_600_000),
      }),
    );
    await eventually(async () =>
      tdb.db
        .selectFrom("lot")
        .select("lot_id")
        .where("lot_id", "=", future)
        .where("status", "=", "OPEN")
        .executeTakeFirst(),
    );
    expect(await job.tick()).toMatchObject({ sent: 0, skipped: 1 });
    expect(mailsTo(w.email)).toHaveLength(0);
  });
});
