import { users } from "@arte/contracts";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, PASSWORD, startHarness } from "../../../test/harness.js";
import { ensureFirstAdmin } from "./bootstrap.js";

const SUSPENDED = users.UserSuspendedV1.shape.type.value;
let h: Harness;
let admin: { id: string; accessToken: string };
beforeAll(async () => {
  h = await startHarness();
  admin = await h.adminSession();
});
afterAll(async () => {
  await h?.close();
});

const get = (url: string, token = admin.accessToken) =>
  h.app.inject({ method: "GET", url, headers: h.bearer(token) });
const post = (url: string, payload?: object, token = admin.accessToken) =>
  h.app.inject({ method: "POST", url, headers: h.bearer(token), ...(payload ? { payload } : {}) });

describe("admin users", () => {
  it("is for ADMIN only", async () => {
    const s = await h.session();
    expect((await get("/v1/admin/users", s.accessToken)).statusCode).toBe(403);
    expect((await get(`/v1/admin/users/${s.id}`, s.accessToken)).json().code).toBe("FORBIDDEN");
    expect((await h.app.inject({ method: "GET", url: "/v1/admin/users" })).statusCode).toBe(401);
  });

  it("searches email/username with escaped wildcards, filters, and pages with a stable keyset cursor", async () => {
    const tag = `pg${Date.now().toString(36)}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await h.signUp({ username: `${tag}_${i}` })).me.id);
    const literal = await h.signUp({ username: "100%_real" });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/v1/admin/users?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBe(5);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((u: { id: string }) => u.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(made));
    expect(seen).toEqual([...made].reverse()); // newest first

    // `%` and `_` match themselves only
    const pct = (await get(`/v1/admin/users?q=${encodeURIComponent("0%_")}`)).json();
    expect(pct.items.map((u: { id: string }) => u.id)).toEqual([literal.me.id]);
    const underscore = (await get(`/v1/admin/users?q=${encodeURIComponent("%")}`)).json();
    expect(underscore.items.map((u: { id: string }) => u.id)).toEqual([literal.me.id]);

    const admins = (await get("/v1/admin/users?role=ADMIN")).json();
    expect(admins.items.map((u: { id: string }) => u.id)).toEqual([admin.id]);
    const byEmail = (
      await get(`/v1/admin/users?q=${encodeURIComponent(literal.email.toUpperCase())}`)
    ).json();
    expect(byEmail.items).toHaveLength(1);
  });

  it("keeps rows with the same created_at apart in the cursor order", async () => {
    const tag = `same${Date.now().toString(36)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.signUp({ username: `${tag}${i}` })).me.id);
    await h.db
      .updateTable("app_user")
      .set({ created_at: sql<Date>`'2024-01-01T00:00:00.123456Z'` })
      .where("id", "in", ids)
      .execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { items: { id: string }[]; nextCursor: string | null } = (
        await get(`/v1/admin/users?q=${tag}&limit=1${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      seen.push(...body.items.map((u) => u.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].sort().reverse());
  });

  it("refuses a forged cursor and bad filters with 400", async () => {
    for (const url of [
      "/v1/admin/users?cursor=abc",
      `/v1/admin/users?cursor=${Buffer.from('["x","y"]').toString("base64url")}`,
      "/v1/admin/users?status=GONE",
      "/v1/admin/users?limit=0",
      "/v1/admin/users?limit=101",
      "/v1/admin/users?sort=password",
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().code).toBe("VALIDATION_FAILED");
    }
  });

  it("views one user, 404 for an unknown id", async () => {
    const s = await h.session();
    const one = await get(`/v1/admin/users/${s.id}`);
    expect(one.json()).toMatchObject({
      id: s.id,
      email: s.email,
      suspendedAt: null,
      lastLoginAt: expect.any(String),
    });
    const none = await get("/v1/admin/users/00000000-0000-4000-8000-000000000000");
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe("USER_NOT_FOUND");
  });

  it("suspends: sessions end, login and refresh are refused, UserSuspendedV1 goes out; unsuspend restores", async () => {
    const s = await h.session();
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/admin/users/${s.id}/suspend`,
      headers: { ...h.bearer(admin.accessToken), "x-request-id": "corr-suspend-1" },
      payload: { reason: "chargeback fraud" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "SUSPENDED", suspendedReason: "chargeback fraud" });
    expect(res.json().suspendedAt).toEqual(expect.any(String));

    expect((await get("/v1/me", s.accessToken)).statusCode).toBe(401);
    expect((await h.refresh(s.refreshToken)).statusCode).toBe(401);
    expect((await h.login(s.email, PASSWORD)).json().code).toBe("ACCOUNT_SUSPENDED");
    const ev = (await h.outbox(SUSPENDED)).filter((e) => e.payload.data.userId === s.id);
    expect(ev).toHaveLength(1);
    expect(ev[0]!.payload).toMatchObject({
      correlationId: "corr-suspend-1",
      data: { userId: s.id, reason: "chargeback fraud", suspended: true },
    });
    // again: no change, no second event
    expect((await post(`/v1/admin/users/${s.id}/suspend`, { reason: "again" })).json().suspendedReason).toBe(
      "chargeback fraud",
    );
    expect((await h.outbox(SUSPENDED)).filter((e) => e.payload.data.userId === s.id)).toHaveLength(1);

    const lift = await post(`/v1/admin/users/${s.id}/unsuspend`);
    expect(lift.json()).toMatchObject({ status: "ACTIVE", suspendedAt: null, suspendedReason: null });
    expect((await h.outbox(SUSPENDED)).filter((e) => e.payload.data.userId === s.id)).toHaveLength(2);
    expect((await h.login(s.email, PASSWORD)).statusCode).toBe(200);
  });

  it("refuses to suspend oneself or an unknown user", async () => {
    const self = await post(`/v1/admin/users/${admin.id}/suspend`, { reason: "oops" });
    expect(self.statusCode).toBe(409);
    expect(self.json().code).toBe("CANNOT_SUSPEND_SELF");
    const none = await post("/v1/admin/users/00000000-0000-4000-8000-000000000000/suspend", { reason: "x" });
    expect(none.json().code).toBe("USER_NOT_FOUND");
    const noReason = await post(`/v1/admin/users/${admin.id}/suspend`, {});
    expect(noReason.json().code).toBe("VALIDATION_FAILED");
  });
});

describe("ensureFirstAdmin", () => {
  it("creates an ADMIN only when none exists, once under concurrency", async () => {
    const { createTestDatabase } = await import("@arte/testing");
    const { migrations } = await import("../../db/migrations/index.js");
    const { SCHEMA } = await import("../../db/schema.js");
    const tdb = await createTestDatabase<import("../../db/schema.js").UsersDb>({
      schema: SCHEMA,
      migrations,
    });
    try {
      const input = { email: "Root@Example.com", password: "root password 1", username: "Root" };
      const results = await Promise.all([
        ensureFirstAdmin(tdb.db, input),
        ensureFirstAdmin(tdb.db, { ...input, email: "other@example.com" }),
      ]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      const admins = await tdb.db.selectFrom("app_user").selectAll().where("role", "=", "ADMIN").execute();
      expect(admins).toHaveLength(1);
      expect(admins[0]!.email_verified).toBe(true);
      expect(await ensureFirstAdmin(tdb.db, input)).toEqual({ created: false });
    } finally {
      await tdb.drop();
    }
  });
});
