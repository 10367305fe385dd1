import { users } from "@arte/contracts";
import { createTestDatabase, createTestKeys, createTestRedis, testLogger } from "@arte/testing";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { type AppDeps, buildApp } from "../src/app.js";
import { migrations } from "../src/db/migrations/index.js";
import { SCHEMA, type UsersDb } from "../src/db/schema.js";
import type { ScryptParams } from "../src/lib/password.js";
import { deriveCodeKey } from "../src/lib/secrets.js";
import type { LockoutPolicy } from "../src/modules/auth/lockout.domain.js";

/** Lower scrypt cost than production so the suite stays fast; hashes carry their parameters anyway. */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 12, r: 8, p: 1 };

export const PASSWORD = "correct horse 42";

let seq = 0;
/** A unique, valid email for one test. */
export const anEmail = (tag = "u") => `${tag}.${Date.now().toString(36)}.${++seq}@example.com`;

export function aSignUp(email: string, verificationToken: string, over: Record<string, unknown> = {}) {
  return {
    email,
    password: PASSWORD,
    username: "Kim Minji",
    birth: "1990-05-17",
    gender: "녀",
    phoneNumber: "01012345678",
    postcode: "04524",
    address: "Seoul, Jung-gu, Sejong-daero 110",
    addressDetail: "3F",
    locale: "ko",
    verificationToken,
    ...over,
  };
}

/** An outbox row as tests read it (payload: the event envelope). */
export type OutboxRow = {
  id: string;
  subject: string;
  payload: {
    correlationId?: string;
    data: Record<string, unknown> & { code?: string; email?: string; expiresAt?: string };
  };
  headers: Record<string, string>;
};

/** The refresh cookie a response set (undefined when none). */
export function refreshCookie(res: LightMyRequestResponse) {
  return (res.cookies as { name: string; value: string; [k: string]: unknown }[]).find(
    (c) => c.name === users.REFRESH_COOKIE,
  );
}

/** One app on its own database and Redis prefix, with helpers that walk the real HTTP flows. */
export async function startHarness(
  opts: {
    lockout?: { account: LockoutPolicy; ip: LockoutPolicy };
    /** The bank client and demo settings (see `test/bank.ts`). */
    bank?: Pick<AppDeps, "bank" | "demoBank">;
  } = {},
) {
  const tdb = await createTestDatabase<UsersDb>({ schema: SCHEMA, migrations });
  const tr = createTestRedis();
  const keys = await createTestKeys();
  const deps: AppDeps = {
    db: tdb.db,
    redis: tr.redis,
    log: testLogger("users"),
    signer: keys.signer,
    verifier: keys.verifier,
    jwks: keys.jwks,
    codeKey: deriveCodeKey(keys.privateJwk),
    refreshTtlDays: 14,
    cookieSecure: true,
    passwordParams: TEST_SCRYPT,
    ...(opts.lockout ? { lockout: opts.lockout } : {}),
    ...opts.bank,
  };
  const app = await buildApp(deps);
  await app.ready();
  const extraApps: Awaited<ReturnType<typeof buildApp>>[] = [];
  const db = tdb.db;

  const h = {
    app,
    db,
    redis: tr.redis,
    keys,

    async outbox(subject?: string) {
      let q = db.selectFrom("outbox").selectAll().orderBy("created_at").orderBy("id");
      if (subject) q = q.where("subject", "=", subject);
      return (await q.execute()) as OutboxRow[];
    },

    /** Row counts of everything a request could change, to prove a refused request changed nothing. */
    async snapshot() {
      const n = async (t: "app_user" | "refresh_token" | "outbox") =>
        (await db.selectFrom(t).select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow()).n;
      const revokedRows = (
        await db
          .selectFrom("refresh_token")
          .select(sql<number>`count(*)::int`.as("n"))
          .where("revoked_at", "is not", null)
          .executeTakeFirstOrThrow()
      ).n;
      const updated = await db
        .selectFrom("app_user")
        .select(sql<string>`coalesce(max(updated_at)::text, '')`.as("t"))
        .executeTakeFirstOrThrow();
      return {
        users: await n("app_user"),
        refresh: await n("refresh_token"),
        revoked: revokedRows,
        outbox: await n("outbox"),
        lastUpdate: updated.t,
      };
    },

    /** Asks for a sign-up code and reads it from the outbox row (as the notification service would). */
    async requestCode(email: string): Promise<string> {
      const res = await app.inject({ method: "POST", url: "/v1/email-verifications", payload: { email } });
      if (res.statusCode !== 202) throw new Error(`code request failed: ${res.statusCode} ${res.body}`);
      const rows = await h.outbox(users.EmailCodeRequestedV1.shape.type.value);
      const row = rows.filter((r) => r.payload.data.email === email).at(-1);
      if (!row) throw new Error("no EmailCodeRequestedV1 in the outbox");
      return row.payload.data.code as string;
    },

    async verificationToken(email: string): Promise<string> {
      const code = await h.requestCode(email);
      const res = await app.inject({
        method: "POST",
        url: "/v1/email-verifications/confirm",
        payload: { email, code },
      });
      if (res.statusCode !== 200) throw new Error(`confirm failed: ${res.statusCode} ${res.body}`);
      return res.json().verificationToken as string;
    },

    async signUp(over: Record<string, unknown> = {}, email = anEmail()) {
      const token = await h.verificationToken(email);
      const res = await app.inject({
        method: "POST",
        url: "/v1/users",
        payload: aSignUp(email, token, over),
      });
      if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
      return { email, password: (over.password as string | undefined) ?? PASSWORD, me: res.json() };
    },

    login(email: string, password: string, ip = "203.0.113.7") {
      return app.inject({
        method: "POST",
        url: "/v1/auth/login",
        headers: { "x-forwarded-for": ip },
        payload: { email, password },
      });
    },

    /** Signs up and in: the access token, the refresh token and the ids. */
    async session(over: Record<string, unknown> = {}) {
      const u = await h.signUp(over);
      const res = await h.login(u.email, u.password);
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      const claims = await keys.verifier.verify(res.json().accessToken);
      return {
        ...u,
        id: u.me.id as string,
        accessToken: res.json().accessToken as string,
        refreshToken: refreshCookie(res)!.value,
        sid: claims.sid,
      };
    },

    /** A signed-in ADMIN (a user promoted in the database). */
    async adminSession() {
      const u = await h.signUp({ username: "Admin" });
      await db.updateTable("app_user").set({ role: "ADMIN" }).where("id", "=", u.me.id).execute();
      const res = await h.login(u.email, u.password);
      return { id: u.me.id as string, email: u.email, accessToken: res.json().accessToken as string };
    },

    refresh(token: string | undefined) {
      return app.inject({
        method: "POST",
        url: "/v1/auth/refresh",
        ...(token ? { cookies: { [users.REFRESH_COOKIE]: token } } : {}),
      });
    },

    bearer: (token: string) => ({ authorization: `Bearer ${token}` }),

    /** Another app on the same database, Redis and keys (the same users and sessions), e.g. another bank. */
    async sibling(over: Partial<AppDeps>) {
      const other = await buildApp({ ...deps, ...over });
      await other.ready();
      extraApps.push(other);
      return other;
    },

    async close() {
      for (const a of extraApps) await a.close();
      await app.close();
      await tr.destroy();
      await tdb.drop();
    },
  };
  return h;
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;
