import { randomUUID } from "node:crypto";
import { USER_STREAM, users } from "@arte/contracts";
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
import { SendInProgressError } from "../src/modules/email/delivery.service.js";
import {
  consumerIdle,
  dlqEntries,
  durable,
  makeEvent,
  PUBLIC_URL,
  publish,
  recipient,
  sleep,
  startService,
} from "./helpers.js";

const { UserRegisteredV1, EmailCodeRequestedV1, PasswordResetRequestedV1 } = users;

let tdb: TestDatabase<NotificationDb>;
let tbus: Awaited<ReturnType<typeof createTestBus>>;
let smtp: TestSmtp;
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  [tdb, tbus, smtp] = await Promise.all([
    createTestDatabase<NotificationDb>({ schema: SCHEMA, migrations }),
    createTestBus([USER_STREAM]),
    startSmtpServer(),
  ]);
  service = await startService({ db: tdb.db, bus: tbus.bus, smtp });
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([tbus?.destroy(), smtp?.close()]);
  await tdb?.drop();
});

const rowsFor = (eventId: string) =>
  tdb.db.selectFrom("sent_message").selectAll().where("event_id", "=", eventId).execute();
const mailsTo = (to: string) => smtp.mails.filter((m) => m.to.includes(to));
const inMinutes = (m: number, from = new Date()) => new Date(from.getTime() + m * 60_000).toISOString();

function codeEvent(to: string, locale: "ko" | "en" = "ko", code = "482913") {
  const at = new Date();
  return makeEvent(EmailCodeRequestedV1, { email: to, code, locale, expiresAt: inMinutes(5, at) }, at);
}

describe("each email, in Korean and English", () => {
  const cases = [
    {
      kind: "welcome",
      locale: "ko",
      subject: "[Arte Moderni] 김하늘님, 가입을 환영합니다",
      text: ["김하늘님, Arte Moderni에 오신 것을 환영합니다.", `${PUBLIC_URL}/`],
    },
    {
      kind: "welcome",
      locale: "en",
      subject: "[Arte Moderni] Welcome, 김하늘",
      text: ["Welcome to Arte Moderni, 김하늘.", `${PUBLIC_URL}/`],
    },
    {
      kind: "email-code",
      locale: "ko",
      subject: "[Arte Moderni] 이메일 인증 코드 (5분간 유효)",
      text: ["회원가입을 마치려면", "인증 코드: 482913", "5분 후에 만료됩니다"],
    },
    {
      kind: "email-code",
      locale: "en",
      subject: "[Arte Moderni] Your email verification code (valid 5 minutes)",
      text: ["finish signing up", "Verification code: 482913", "expires in 5 minutes"],
    },
    {
      kind: "password-reset",
      locale: "ko",
      subject: "[Arte Moderni] 비밀번호 재설정 코드 (15분간 유효)",
      text: ["비밀번호 재설정 요청", "비밀번호 재설정 코드: 771204", "15분 후에 만료됩니다"],
    },
    {
      kind: "password-reset",
      locale: "en",
      subject: "[Arte Moderni] Your password reset code (valid 15 minutes)",
      text: ["reset your password", "Password reset code: 771204", "expires in 15 minutes"],
    },
  ] as const;

  it.each(cases)("$kind ($locale)", async ({ kind, locale, subject, text }) => {
    const to = recipient();
    const at = new Date();
    const event =
      kind === "welcome"
        ? makeEvent(UserRegisteredV1, { userId: randomUUID(), email: to, username: "김하늘", locale })
        : kind === "email-code"
          ? makeEvent(
              EmailCodeRequestedV1,
              { email: to, code: "482913", locale, expiresAt: inMinutes(5, at) },
              at,
            )
          : makeEvent(
              PasswordResetRequestedV1,
              {
                userId: randomUUID(),
                email: to,
                username: "김하늘",
                locale,
                code: "771204",
                expiresAt: inMinutes(15, at),
              },
              at,
            );
    await publish(tbus.bus, event.type, event);

    const mail = await smtp.waitFor((m) => m.to.includes(to));
    expect(mail.from).toBe("no-reply@arte-moderni.test");
    expect(mail.subject).toBe(subject);
    for (const line of text) expect(mail.text).toContain(line);
    expect(mail.html).toContain(`<html lang="${locale}">`);
    expect(mail.parsed.messageId).toBe(`<${event.id}.${kind}@arte-moderni.test>`);
    if (kind === "welcome") {
      expect(mail.html).toContain(`href="${PUBLIC_URL}/"`);
    } else {
      // The code is readable from the plain-text part alone, and prominent in the HTML part.
      const expected = kind === "email-code" ? "482913" : "771204";
      expect(mail.text.match(/\b(\d{6})\b/)?.[1]).toBe(expected);
      expect(mail.html).toMatch(new RegExp(`font-size:34px[^>]*>${expected}</span>`));
    }

    const [row] = await eventually(async () => {
      const rows = await rowsFor(event.id);
      return rows[0]?.status === "SENT" ? rows : null;
    });
    expect(row).toMatchObject({ template: kind, recipient: to, locale, subject, attempts: 1, error: null });
    expect(row?.smtp_message_id).toBe(`<${event.id}.${kind}@arte-moderni.test>`);
    expect(row?.sent_at).toBeInstanceOf(Date);
  });
});

it("escapes user-supplied values in the HTML part", async () => {
  const to = recipient();
  const username = `<script>alert("x")</script><img src=x onerror=alert(1)> & Co`;
  const event = makeEvent(UserRegisteredV1, { userId: randomUUID(), email: to, username, locale: "en" });
  await publish(tbus.bus, event.type, event);

  const mail = await smtp.waitFor((m) => m.to.includes(to));
  expect(mail.html).not.toContain("<script>");
  expect(mail.html).not.toContain("<img");
  expect(mail.html).toContain(
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt; &amp; Co",
  );
  expect(mail.text).toContain(username); // plain text is not HTML: it shows the name as typed
});

it("sends one email for an event published twice and replayed from the start of the stream", async () => {
  const to = recipient();
  const event = codeEvent(to, "en");
  await publish(tbus.bus, event.type, event);
  await publish(tbus.bus, event.type, event, `${event.id}:again`); // a different Nats-Msg-Id: no broker dedupe
  await smtp.waitFor((m) => m.to.includes(to));
  await eventually(() => consumerIdle(tbus.bus, EmailCodeRequestedV1));

  // Redelivery of everything: drop the durable consumer and start again from the first message.
  const mailsBefore = smtp.mails.length;
  await service.stop();
  await tbus.bus.jsm.consumers.delete(tbus.bus.stream(USER_STREAM.name), durable(EmailCodeRequestedV1));
  service = await startService({ db: tdb.db, bus: tbus.bus, smtp });
  await eventually(() => consumerIdle(tbus.bus, EmailCodeRequestedV1));
  await sleep(200);
  const info = await tbus.bus.jsm.consumers.info(
    tbus.bus.stream(USER_STREAM.name),
    durable(EmailCodeRequestedV1),
  );
  expect(info.delivered.consumer_seq).toBeGreaterThanOrEqual(4); // both copies and the earlier code events

  expect(smtp.mails.length).toBe(mailsBefore); // nothing replayed was sent again, this event's or others'
  expect(mailsTo(to)).toHaveLength(1);
  const rows = await rowsFor(event.id);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ status: "SENT", attempts: 1 });
});

it("retries a transient SMTP failure (451) and delivers once", async () => {
  const to = recipient();
  const event = codeEvent(to);
  smtp.rejectNext(451);
  await publish(tbus.bus, event.type, event);

  await smtp.waitFor((m) => m.to.includes(to));
  await eventually(() => consumerIdle(tbus.bus, EmailCodeRequestedV1));
  await sleep(300);
  expect(mailsTo(to)).toHaveLength(1);
  const [row] = await rowsFor(event.id);
  expect(row).toMatchObject({ status: "SENT", attempts: 2, error: null });
  expect((await dlqEntries(tbus.bus)).some((d) => (d.payload as { id?: string }).id === event.id)).toBe(
    false,
  );
});

it("dead-letters a permanent SMTP failure (550) at once and records it", async () => {
  const to = recipient();
  const event = makeEvent(PasswordResetRequestedV1, {
    userId: randomUUID(),
    email: to,
    username: "Kim",
    locale: "en",
    code: "112233",
    expiresAt: inMinutes(15),
  });
  smtp.rejectNext(550);
  await publish(tbus.bus, event.type, event);

  const dead = await eventually(async () =>
    (await dlqEntries(tbus.bus)).find((d) => (d.payload as { id?: string }).id === event.id),
  );
  expect(dead.subject).toBe(`dlq.${durable(PasswordResetRequestedV1)}`);
  expect(dead.headers["Dlq-Deliveries"]).toBe("1");
  expect(dead.headers["Dlq-Reason"]).toContain("550");

  await eventually(() => consumerIdle(tbus.bus, PasswordResetRequestedV1));
  await sleep(400); // four backoffs' worth: nothing may be retried
  const [row] = await rowsFor(event.id);
  expect(row).toMatchObject({ status: "FAILED", attempts: 1, template: "password-reset" });
  expect(row?.error).toContain("550");
  expect(mailsTo(to)).toHaveLength(0);
});

it("dead-letters an invalid recipient without talking to SMTP", async () => {
  const event = codeEvent("not-an-address");
  const before = smtp.mails.length;
  await publish(tbus.bus, event.type, event);

  const dead = await eventually(async () =>
    (await dlqEntries(tbus.bus)).find((d) => (d.payload as { id?: string }).id === event.id),
  );
  expect(dead.headers["Dlq-Reason"]).toContain("invalid recipient");
  const [row] = await rowsFor(event.id);
  expect(row).toMatchObject({ status: "FAILED", attempts: 0, error: "invalid recipient address" });
  expect(smtp.mails.length).toBe(before);
});

it("dead-letters an event that breaks its contract", async () => {
  const id = randomUUID();
  const broken = {
    id,
    type: UserRegisteredV1.shape.type.value,
    occurredAt: new Date().toISOString(),
    data: { userId: "not-a-uuid", email: recipient(), locale: "de" },
  };
  await publish(tbus.bus, broken.type, broken);

  const dead = await eventually(async () =>
    (await dlqEntries(tbus.bus)).find((d) => (d.payload as { id?: string }).id === id),
  );
  expect(dead.subject).toBe(`dlq.${durable(UserRegisteredV1)}`);
  expect(dead.headers["Dlq-Reason"]).toContain("contract violation");
  expect(await rowsFor(id)).toHaveLength(0);
});

it("skips a code that expired before it could be sent", async () => {
  const to = recipient();
  const at = new Date(Date.now() - 10 * 60_000);
  const event = makeEvent(
    EmailCodeRequestedV1,
    { email: to, code: "999000", locale: "ko", expiresAt: inMinutes(5, at) },
    at,
  );
  await publish(tbus.bus, event.type, event);

  const [row] = await eventually(async () => {
    const rows = await rowsFor(event.id);
    return rows[0]?.status === "SKIPPED" ? rows : null;
  });
  expect(row?.attempts).toBe(0);
  expect(mailsTo(to)).toHaveLength(0);
});

describe("an attempt that did not finish (the at-most-once choice)", () => {
  it("does not resend when a PENDING claim is stale: UNKNOWN and dead-lettered", async () => {
    const to = recipient();
    const event = codeEvent(to);
    // What a process killed between the SMTP send and "mark SENT" leaves behind.
    await tdb.db
      .insertInto("sent_message")
      .values({
        id: randomUUID(),
        event_id: event.id,
        template: "email-code",
        recipient: to,
        locale: "ko",
        subject: "x",
        status: "PENDING",
        attempts: 1,
        attempted_at: new Date(Date.now() - 10 * 60_000),
      })
      .execute();
    await publish(tbus.bus, event.type, event);

    const dead = await eventually(async () =>
      (await dlqEntries(tbus.bus)).find((d) => (d.payload as { id?: string }).id === event.id),
    );
    expect(dead.headers["Dlq-Reason"]).toContain("not resent");
    const [row] = await rowsFor(event.id);
    expect(row).toMatchObject({ status: "UNKNOWN", attempts: 1 });
    expect(mailsTo(to)).toHaveLength(0);
  });

  it("waits (transient error) while a fresh PENDING claim may still be sending", async () => {
    const to = recipient();
    const event = codeEvent(to);
    await tdb.db
      .insertInto("sent_message")
      .values({
        id: randomUUID(),
        event_id: event.id,
        template: "email-code",
        recipient: to,
        locale: "ko",
        subject: "x",
        status: "PENDING",
        attempts: 1,
      })
      .execute();
    await expect(
      service.delivery.deliver({
        eventId: event.id,
        template: "email-code",
        to,
        locale: "ko",
        vars: { code: "482913", minutes: 5 },
      }),
    ).rejects.toBeInstanceOf(SendInProgressError);
    expect(mailsTo(to)).toHaveLength(0);
  });
});
