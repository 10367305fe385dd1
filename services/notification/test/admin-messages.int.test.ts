import { randomUUID } from "node:crypto";
import type { SentMessage } from "@arte/contracts/notification.js";
import { createTestDatabase, createTestKeys, type TestDatabase, testLogger } from "@arte/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { migrations } from "../src/db/migrations/index.js";
import { type NotificationDb, SCHEMA } from "../src/db/schema.js";

let tdb: TestDatabase<NotificationDb>;
let keys: Awaited<ReturnType<typeof createTestKeys>>;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  [tdb, keys] = await Promise.all([
    createTestDatabase<NotificationDb>({ schema: SCHEMA, migrations }),
    createTestKeys(),
  ]);
  app = await buildApp({ db: tdb.db, verifier: keys.verifier, log: testLogger("notification") });
  // 25 rows; five share one created_at to the microsecond, so the cursor must break ties by id.
  const base = Date.parse("2030-01-01T00:00:00Z");
  for (let i = 0; i < 25; i++) {
    const at = i < 5 ? "2030-01-01T00:00:00.123456Z" : new Date(base + i * 1000).toISOString();
    await tdb.db
      .insertInto("sent_message")
      .values({
        id: randomUUID(),
        event_id: randomUUID(),
        template: i % 2 ? "welcome" : "email-code",
        recipient: `r${i}@example.com`,
        locale: "ko",
        subject: `s${i}`,
        status: i % 5 === 0 ? "FAILED" : "SENT",
        attempts: 1,
        sent_at: i % 5 === 0 ? null : new Date(base),
        created_at: sql<Date>`${at}::timestamptz`,
      })
      .execute();
  }
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

const token = (role: "USER" | "ADMIN") =>
  keys.signer.sign({ sub: randomUUID(), role, sid: randomUUID(), ev: true });
const get = async (url: string, role?: "USER" | "ADMIN") =>
  app.inject({
    method: "GET",
    url,
    headers: role ? { authorization: `Bearer ${await token(role)}` } : {},
  });

it("is for admins only", async () => {
  expect((await get("/v1/admin/messages")).statusCode).toBe(401);
  const res = await get("/v1/admin/messages", "USER");
  expect(res.statusCode).toBe(403);
  expect(res.json().code).toBe("FORBIDDEN");
});

it("pages through every row exactly once, newest first", async () => {
  const seen: SentMessage[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const res = await get(`/v1/admin/messages?limit=7${q}`, "ADMIN");
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: SentMessage[]; nextCursor: string | null };
    seen.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  expect(pages).toBe(4);
  expect(seen).toHaveLength(25);
  expect(new Set(seen.map((m) => m.id)).size).toBe(25);
  const times = seen.map((m) => Date.parse(m.createdAt));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
  expect(seen[0]).toMatchObject({ recipient: "r24@example.com", status: "SENT", template: "email-code" });
});

it("filters by status and template", async () => {
  const res = await get("/v1/admin/messages?status=FAILED&limit=100", "ADMIN");
  expect(res.statusCode).toBe(200);
  const items = res.json().items as SentMessage[];
  expect(items).toHaveLength(5);
  expect(items.every((m) => m.status === "FAILED" && m.sentAt === null)).toBe(true);
  const welcome = (await get("/v1/admin/messages?template=welcome&limit=100", "ADMIN")).json().items;
  expect(welcome).toHaveLength(12);
});

it("answers 400 for a bad cursor or query", async () => {
  const bad = await get("/v1/admin/messages?cursor=nonsense", "ADMIN");
  expect(bad.statusCode).toBe(400);
  expect(bad.json().code).toBe("CURSOR_INVALID");
  expect((await get("/v1/admin/messages?limit=0", "ADMIN")).statusCode).toBe(400);
  expect((await get("/v1/admin/messages?status=LOST", "ADMIN")).statusCode).toBe(400);
});

it("serves health and readiness", async () => {
  expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
});
