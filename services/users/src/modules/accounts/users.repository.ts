import type { Executor } from "@arte/platform";
import { type Selectable, sql } from "kysely";
import type { AppUserTable, UsersDb } from "../../db/schema.js";

type Db = Executor<UsersDb>;

/** A user row as the service reads it (birth as `YYYY-MM-DD` text). */
export type UserRow = Selectable<AppUserTable>;

/** Every column, with `birth` as text (pg would otherwise turn a `date` into a local-midnight Date). */
const columns = [
  "id",
  "email",
  "password_hash",
  "username",
  sql<string>`to_char(birth, 'YYYY-MM-DD')`.as("birth"),
  "gender",
  "phone",
  "postcode",
  "address",
  "address_detail",
  "locale",
  "role",
  "status",
  "email_verified",
  "suspended_at",
  "suspended_reason",
  "last_login_at",
  "created_at",
  "updated_at",
] as const;

export type NewUser = {
  email: string;
  passwordHash: string;
  username: string;
  birth: string;
  gender: AppUserTable["gender"];
  phone: string;
  postcode: string;
  address: string;
  addressDetail: string | null;
  locale: AppUserTable["locale"];
  role: AppUserTable["role"];
  emailVerified: boolean;
};

export type ProfileChanges = Partial<{
  username: string;
  phone: string;
  postcode: string;
  address: string;
  addressDetail: string | null;
  locale: AppUserTable["locale"];
}>;

export const usersRepository = {
  /**
   * Inserts a user; `undefined` when the email is taken. The unique index decides (ON CONFLICT), so two
   * concurrent sign-ups for one email cannot both succeed and neither sees a raw constraint error.
   */
  async insert(db: Db, u: NewUser): Promise<UserRow | undefined> {
    return db
      .insertInto("app_user")
      .values({
        email: u.email,
        password_hash: u.passwordHash,
        username: u.username,
        birth: u.birth,
        gender: u.gender,
        phone: u.phone,
        postcode: u.postcode,
        address: u.address,
        address_detail: u.addressDetail,
        locale: u.locale,
        role: u.role,
        email_verified: u.emailVerified,
      })
      .onConflict((oc) => oc.column("email").doNothing())
      .returning(columns)
      .executeTakeFirst();
  },

  async findByEmail(db: Db, email: string): Promise<UserRow | undefined> {
    return db.selectFrom("app_user").select(columns).where("email", "=", email).executeTakeFirst();
  },

  async findById(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<UserRow | undefined> {
    let q = db.selectFrom("app_user").select(columns).where("id", "=", id);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async updateProfile(db: Db, id: string, c: ProfileChanges): Promise<UserRow | undefined> {
    return db
      .updateTable("app_user")
      .set({
        ...(c.username !== undefined ? { username: c.username } : {}),
        ...(c.phone !== undefined ? { phone: c.phone } : {}),
        ...(c.postcode !== undefined ? { postcode: c.postcode } : {}),
        ...(c.address !== undefined ? { address: c.address } : {}),
        ...(c.addressDetail !== undefined ? { address_detail: c.addressDetail } : {}),
        ...(c.locale !== undefined ? { locale: c.locale } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where("id", "=", id)
      .returning(columns)
      .executeTakeFirst();
  },

  async setPasswordHash(db: Db, id: string, passwordHash: string) {
    await db
      .updateTable("app_user")
      .set({ password_hash: passwordHash, updated_at: sql<Date>`now()` })
      .where("id", "=", id)
      .execute();
  },

  async touchLogin(db: Db, id: string) {
    await db.updateTable("app_user").set({ last_login_at: sql<Date>`now()` }).where("id", "=", id).execute();
  },

  async setSuspension(db: Db, id: string, s: { reason: string } | null): Promise<UserRow | undefined> {
    return db
      .updateTable("app_user")
      .set(
        s
          ? {
              status: "SUSPENDED",
              suspended_at: sql<Date>`now()`,
              suspended_reason: s.reason,
              updated_at: sql<Date>`now()`,
            }
          : { status: "ACTIVE", suspended_at: null, suspended_reason: null, updated_at: sql<Date>`now()` },
      )
      .where("id", "=", id)
      .returning(columns)
      .executeTakeFirst();
  },

  async anyAdmin(db: Db): Promise<boolean> {
    const r = await db
      .selectFrom("app_user")
      .select("id")
      .where("role", "=", "ADMIN")
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  },

  /**
   * Admin list: newest first, keyset on (created_at, id). `q` matches email or username as a substring
   * (LIKE wildcards in it are escaped, so `%` and `_` match themselves).
   */
  async list(
    db: Db,
    f: {
      q?: string | undefined;
      status?: "ACTIVE" | "SUSPENDED" | undefined;
      role?: AppUserTable["role"] | undefined;
      after?: { createdAt: string; id: string } | undefined;
      limit: number;
    },
  ): Promise<{ rows: (UserRow & { cursor_ts: string })[]; total: number }> {
    let q = db.selectFrom("app_user");
    if (f.q) {
      const pattern = `%${escapeLike(f.q)}%`;
      q = q.where((eb) =>
        eb.or([
          eb(sql`email`, "ilike", sql`${pattern} escape '\\'`),
          eb(sql`username`, "ilike", sql`${pattern} escape '\\'`),
        ]),
      );
    }
    if (f.status) q = q.where("status", "=", f.status);
    if (f.role) q = q.where("role", "=", f.role);
    const totalRow = await q.select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
    let page = q.select([
      ...columns,
      sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as("cursor_ts"),
    ]);
    if (f.after) {
      const { createdAt, id } = f.after;
      page = page.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
    }
    const rows = await page.orderBy("created_at", "desc").orderBy("id", "desc").limit(f.limit).execute();
    return { rows, total: totalRow.n };
  },
};

/** Escapes LIKE's wildcards and its escape character. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
