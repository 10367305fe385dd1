import { randomUUID } from "node:crypto";
import type { InAppNotification } from "@arte/contracts/notification.js";
import { createTestDatabase, createTestKeys, type TestDatabase, testLogger } from "@arte/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { migrations } from "../src/db/migrations/index.js";
import { type NotificationDb, SCHEMA } from "../src/db/schema.js";

let tdb: TestDatabase<NotificationDb>;
let keys: Awaited<ReturnType<typeof createTestKeys>>;
let app: Awaited<ReturnType<typeof buildApp>>;

const alice = randomUUID();
const bob = randomUUID();
const bobsId = randomUUID();

beforeAll(async () => {
  [tdb, keys] = await Promise.all([
    createTestDatabase<NotificationDb>({ schema: SCHEMA, migrations }),
    createTestKeys(),
  ]);
  app = await buildApp({ db: tdb.db, verifier: keys.verifier, log: testLogger("notification") });
  // Alice: 23 notifications; four share one created_at to the microsecond (the cursor breaks ties by id).
  const base = Date.parse("2030-01-01T00:00:00Z");
  for (let i = 0; i < 23; i++) {
    const at = i < 4 ? "2030-01-01T00:00:00.123456Z" : new Date(base + i * 1000).toISOString();
    await tdb.db
      .insertInto("notification")
      .values({
        id: randomUUID(),
        user_id: alice,
        kind: (["outbid", "won", "lost", "starting_soon"] as const)[i % 4]!,
        lot_id: randomUUID(),
        artwork_id: randomUUID(),
        title_ko: `작품 ${i}`,
        title_en: i % 2 ? `Work ${i}` : null,
        params: JSON.stringify({ n: i }),
        source_id: randomUUID(),
        created_at: sql<Date>`${at}::timestamptz`,
      })
      .execute();
  }
  await tdb.db
    .insertInto("notification")
    .values({
      id: bobsId,
      user_id: bob,
      kind: "won",
      lot_id: null,
      artwork_id: null,
      title_ko: null,
      title_en: null,
      params: "{}",
      source_id: randomUUID(),
    })
    .execute();
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

const auth = async (sub: string) => ({
  authorization: `Bearer ${await keys.signer.sign({ sub, role: "USER", sid: randomUUID(), ev: true })}`,
});
const get = async (url: string, sub = alice) => app.inject({ method: "GET", url, headers: await auth(sub) });
const post = async (url: string, sub = alice) =>
  app.inject({ method: "POST", url, headers: await auth(sub) });

type Page = { items: InAppNotification[]; nextCursor: string | null };

async function all(query: string, sub = alice): Promise<{ items: InAppNotification[]; pages: number }> {
  const items: InAppNotification[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(`/v1/me/notifications?${query}${cursor ? `&cursor=${cursor}` : ""}`, sub);
    expect(res.statusCode).toBe(200);
    const body = res.json() as Page;
    items.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return { items, pages };
}

it("pages through the caller's notifications, newest first, each once", async () => {
  const { items, pages } = await all("limit=5");
  expect(pages).toBe(5);
  expect(items).toHaveLength(23);
  expect(new Set(items.map((n) => n.id)).size).toBe(23);
  const times = items.map((n) => Date.parse(n.createdAt));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
  expect(items[0]).toMatchObject({
    kind: "lost",
    title: { ko: "작품 22", en: null },
    params: { n: 22 },
    readAt: null,
  });
  expect(items.some((n) => n.id === bobsId)).toBe(false);
});

it("counts unread, marks one read (idempotently), filters unread, marks all read", async () => {
  const count = async (sub = alice) => (await get("/v1/me/notifications/unread-count", sub)).json().count;
  expect(await count()).toBe(23);
  const [first] = (await get("/v1/me/notifications?limit=1")).json().items as InAppNotification[];

  const read = await post(`/v1/me/notifications/${first!.id}/read`);
  expect(read.statusCode).toBe(200);
  const readAt = read.json().readAt;
  expect(readAt).toEqual(expect.any(String));
  expect(await count()).toBe(22);
  const again = await post(`/v1/me/notifications/${first!.id}/read`);
  expect(again.statusCode).toBe(200);
  expect(again.json().readAt).toBe(readAt); // the first read time stays

  const unread = await all("limit=10&unread=true");
  expect(unread.items).toHaveLength(22);
  expect(unread.items.some((n) => n.id === first!.id)).toBe(false);

  const allRead = await post("/v1/me/notifications/read-all");
  expect(allRead.statusCode).toBe(200);
  expect(allRead.json()).toEqual({ updated: 22 });
  expect(await count()).toBe(0);
  expect((await all("unread=true")).items).toHaveLength(0);
  expect(await count(bob)).toBe(1); // another user's stay unread
});

it("answers 404 for another user's notification and an unknown one", async () => {
  for (const id of [bobsId, randomUUID()]) {
    const res = await post(`/v1/me/notifications/${id}/read`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("NOTIFICATION_NOT_FOUND");
  }
  const bobs = (await get("/v1/me/notifications", bob)).json().items as InAppNotification[];
  expect(bobs[0]).toMatchObject({ id: bobsId, readAt: null, title: null });
});

it("answers 4xx for bad input and without a token", async () => {
  expect((await app.inject({ method: "GET", url: "/v1/me/notifications" })).statusCode).toBe(401);
  expect((await app.inject({ method: "POST", url: "/v1/me/notifications/read-all" })).statusCode).toBe(401);
  const badCursor = await get("/v1/me/notifications?cursor=nonsense");
  expect(badCursor.statusCode).toBe(400);
  expect(badCursor.json().code).toBe("CURSOR_INVALID");
  for (const q of ["limit=0", "limit=101", "limit=x", "unread=yes", "other=1"]) {
    const res = await get(`/v1/me/notifications?${q}`);
    expect(res.statusCode, q).toBe(400);
    expect(res.json().code, q).toBe("VALIDATION_FAILED");
  }
  const badId = await post("/v1/me/notifications/not-a-uuid/read");
  expect(badId.statusCode).toBe(400);
  expect(badId.json().code).toBe("VALIDATION_FAILED");
});
