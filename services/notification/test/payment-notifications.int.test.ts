import { randomUUID } from "node:crypto";
import { CATALOG_STREAM, catalog, PAYMENT_STREAM, payment, USER_STREAM, users } from "@arte/contracts";
import {
  createTestBus,
  createTestDatabase,
  eventually,
  startSmtpServer,
  type TestDatabase,
  type TestSmtp,
} from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "../src/db/migrations/index.js";
import { type NotificationDb, SCHEMA } from "../src/db/schema.js";
import { consumerIdle, makeEvent, PUBLIC_URL, publish, recipient, sleep, startService } from "./helpers.js";

const { InvoicePaidV1, InvoiceFailedV1, RefundIssuedV1 } = payment;

let tdb: TestDatabase<NotificationDb>;
let tbus: Awaited<ReturnType<typeof createTestBus>>;
let smtp: TestSmtp;
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  [tdb, tbus, smtp] = await Promise.all([
    createTestDatabase<NotificationDb>({ schema: SCHEMA, migrations }),
    createTestBus([USER_STREAM, CATALOG_STREAM, PAYMENT_STREAM]),
    startSmtpServer(),
  ]);
  service = await startService({
    db: tdb.db,
    bus: tbus.bus,
    smtp,
    streams: [USER_STREAM.name, CATALOG_STREAM.name, PAYMENT_STREAM.name],
  });
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([tbus?.destroy(), smtp?.close()]);
  await tdb?.drop();
});

const send = (event: { id: string; type: string }, msgID?: string) =>
  publish(tbus.bus, event.type, event, msgID);

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
    makeEvent(catalog.ArtworkCreatedV1, {
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

const facts = (buyerUserId: string, artworkId: string) => ({
  invoiceId: randomUUID(),
  number: `AM-2030-${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`,
  lotId: randomUUID(),
  artworkId,
  buyerUserId,
  sellerAccountId: randomUUID(),
  hammer: 1_250_000,
  premium: 187_500,
  premiumBps: 1500,
  total: 1_437_500,
});

const paid = (f: ReturnType<typeof facts>) =>
  makeEvent(InvoicePaidV1, { ...f, paidAt: "2030-01-01T00:00:00.000Z", captureTransferId: randomUUID() });

const isTemplate = (m: (typeof smtp.mails)[number], template: string) =>
  String(m.parsed.messageId ?? "").includes(`.${template}@`);
const mailsTo = (to: string, template: string) =>
  smtp.mails.filter((m) => m.to.includes(to) && isTemplate(m, template));
const waitMail = (to: string, template: string) =>
  smtp.waitFor((m) => m.to.includes(to) && isTemplate(m, template));
const sentRows = (userId: string) =>
  tdb.db
    .selectFrom("sent_message")
    .selectAll()
    .where("user_id", "=", userId)
    .where("template", "!=", "welcome")
    .orderBy("created_at")
    .execute();
const notificationsOf = (userId: string) =>
  tdb.db.selectFrom("notification").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();

describe("receipt (payment.invoice.paid.v1)", () => {
  it.each([
    [
      "ko",
      ["낙찰가: 1,250,000원", "구매 수수료: 187,500원", "결제 합계: 1,437,500원", "2030년 1월 1일"],
      "[Arte Moderni] 결제 영수증 NUMBER: 한국어 제목",
    ],
    [
      "en",
      ["Hammer price:    KRW 1,250,000", "Buyer's premium: KRW 187,500", "Total paid:      KRW 1,437,500"],
      "[Arte Moderni] Your receipt NUMBER: English <i>",
    ],
  ] as const)("emails the buyer a receipt in %s", async (locale, lines, subject) => {
    const buyer = await registerUser(locale);
    const artworkId = await createArtwork("한국어 제목", "English <i>");
    const f = facts(buyer.userId, artworkId);
    await send(paid(f));
    const mail = await waitMail(buyer.email, "receipt");
    expect(mail.subject).toBe(subject.replace("NUMBER", f.number));
    for (const line of lines) expect(mail.text).toContain(line);
    expect(mail.text).toContain(f.number);
    expect(mail.text).toContain(buyer.username);
    expect(mail.text).toContain(`${PUBLIC_URL}/my/purchases`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/my/purchases"`);
    expect(mail.html).not.toContain("English <i>");
    if (locale === "en") expect(mail.html).toContain("English &lt;i&gt;");
    // keyed by the invoice: the Message-ID names it
    expect(String(mail.parsed.messageId)).toContain(`${f.invoiceId}.receipt@`);
    const [row] = await eventually(async () => {
      const rows = await sentRows(buyer.userId);
      return rows[0]?.status === "SENT" ? rows : null;
    });
    expect(row).toMatchObject({ event_id: f.invoiceId, template: "receipt", locale });
  });

  it("sends one receipt per invoice: the same event twice and a second paid event for the invoice", async () => {
    const buyer = await registerUser("en");
    const artworkId = await createArtwork("무제", null);
    const f = facts(buyer.userId, artworkId);
    const event = paid(f);
    await send(event);
    await waitMail(buyer.email, "receipt");
    await send(event, `${event.id}:again`);
    await send(paid(f)); // another event id, same invoice
    await eventually(() => consumerIdle(tbus.bus, InvoicePaidV1));
    await sleep(200);
    expect(mailsTo(buyer.email, "receipt")).toHaveLength(1);
    expect(mailsTo(buyer.email, "receipt")[0]?.subject).toContain("무제"); // no English title: Korean
    expect(await sentRows(buyer.userId)).toHaveLength(1);
  });

  it("falls back to a generic phrase for an artwork it does not know", async () => {
    const [ko, en] = [await registerUser("ko"), await registerUser("en")];
    await send(paid(facts(ko.userId, randomUUID())));
    await send(paid(facts(en.userId, randomUUID())));
    expect((await waitMail(ko.email, "receipt")).text).toContain('"구매하신 작품"');
    expect((await waitMail(en.email, "receipt")).text).toContain('"your artwork"');
  });

  it("skips a buyer it does not know (recorded once)", async () => {
    const buyerUserId = randomUUID();
    const event = paid(facts(buyerUserId, randomUUID()));
    await send(event);
    await send(event, `${event.id}:again`);
    await eventually(async () => (await sentRows(buyerUserId)).length > 0);
    await eventually(() => consumerIdle(tbus.bus, InvoicePaidV1));
    const rows = await sentRows(buyerUserId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "SKIPPED", error: "recipient unknown", template: "receipt" });
  });
});

describe("refund (payment.refund.issued.v1)", () => {
  it("emails the amount, the reason and the total refunded, once per refund", async () => {
    const buyer = await registerUser("en");
    const artworkId = await createArtwork("달항아리", "Moon Jar");
    const f = facts(buyer.userId, artworkId);
    const refund = (amount: number, refundedTotal: number) =>
      makeEvent(RefundIssuedV1, {
        ...f,
        refundId: randomUUID(),
        amount,
        reason: "Frame damaged <in transit>",
        refundedTotal,
        invoiceStatus: refundedTotal === f.total ? "REFUNDED" : "PARTIALLY_REFUNDED",
        transferId: randomUUID(),
        refundedAt: new Date().toISOString(),
      });
    const first = refund(100_000, 100_000);
    await send(first);
    const mail = await waitMail(buyer.email, "refund");
    expect(mail.subject).toBe(`[Arte Moderni] Refund on ${f.number}: KRW 100,000`);
    expect(mail.text).toContain("Refunded now:    KRW 100,000");
    expect(mail.text).toContain("Refunded in all: KRW 100,000");
    expect(mail.text).toContain("Frame damaged <in transit>");
    expect(mail.text).toContain('"Moon Jar"');
    expect(mail.html).toContain("Frame damaged &lt;in transit&gt;");
    await send(first, `${first.id}:again`);
    await send(refund(1_337_500, f.total));
    await smtp.waitFor((m) => m.to.includes(buyer.email) && m.text.includes("KRW 1,337,500"));
    await eventually(() => consumerIdle(tbus.bus, RefundIssuedV1));
    await sleep(200);
    expect(mailsTo(buyer.email, "refund")).toHaveLength(2);
    await eventually(async () =>
      (await sentRows(buyer.userId)).map((r) => r.status).join() === "SENT,SENT" ? true : null,
    );
  });
});

describe("failed payment (payment.invoice.failed.v1)", () => {
  const failed = (f: ReturnType<typeof facts>) =>
    makeEvent(InvoiceFailedV1, {
      ...f,
      reason: "INSUFFICIENT_FUNDS",
      message: "the hold could not be captured",
      attempts: 5,
      failedAt: new Date().toISOString(),
    });

  it("notifies the buyer in-app and by email, once per event", async () => {
    const buyer = await registerUser("ko");
    const artworkId = await createArtwork("새벽", "Dawn");
    const f = facts(buyer.userId, artworkId);
    const event = failed(f);
    await send(event);
    const mail = await waitMail(buyer.email, "payment-failed");
    expect(mail.subject).toBe("[Arte Moderni] 결제가 완료되지 않았습니다: 새벽");
    expect(mail.text).toContain("1,437,500원");
    expect(mail.text).toContain(f.number);
    await send(event, `${event.id}:again`);
    await eventually(() => consumerIdle(tbus.bus, InvoiceFailedV1));
    await sleep(200);
    expect(mailsTo(buyer.email, "payment-failed")).toHaveLength(1);
    const inApp = await notificationsOf(buyer.userId);
    expect(inApp).toHaveLength(1);
    expect(inApp[0]).toMatchObject({
      kind: "payment_failed",
      lot_id: f.lotId,
      artwork_id: artworkId,
      title_ko: "새벽",
      title_en: "Dawn",
      params: { invoiceId: f.invoiceId, number: f.number, total: f.total, reason: "INSUFFICIENT_FUNDS" },
      read_at: null,
    });
  });

  it("still notifies in-app a buyer it cannot email", async () => {
    const buyerUserId = randomUUID();
    await send(failed(facts(buyerUserId, randomUUID())));
    await eventually(async () => (await sentRows(buyerUserId)).length > 0);
    expect((await sentRows(buyerUserId))[0]).toMatchObject({ status: "SKIPPED", error: "recipient unknown" });
    expect((await notificationsOf(buyerUserId)).map((n) => n.kind)).toEqual(["payment_failed"]);
  });
});
