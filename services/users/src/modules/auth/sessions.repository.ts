import type { Executor } from "@arte/platform";
import { type Selectable, sql } from "kysely";
import type { RefreshTokenTable, UsersDb } from "../../db/schema.js";

type Db = Executor<UsersDb>;
export type RefreshRow = Selectable<RefreshTokenTable>;

/** Refresh tokens: one row per token; a family (= session, `sid`) is every rotation of one login. */
export const sessionsRepository = {
  async insert(
    db: Db,
    t: { id: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
  ) {
    await db
      .insertInto("refresh_token")
      .values({
        id: t.id,
        user_id: t.userId,
        family_id: t.familyId,
        token_hash: t.tokenHash,
        expires_at: t.expiresAt,
      })
      .execute();
  },

  /** The row of a presented token, locked: concurrent refreshes with one token run one after the other. */
  async lockByHash(db: Db, tokenHash: string): Promise<RefreshRow | undefined> {
    return db
      .selectFrom("refresh_token")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .forUpdate()
      .executeTakeFirst();
  },

  async findByHash(db: Db, tokenHash: string): Promise<RefreshRow | undefined> {
    return db.selectFrom("refresh_token").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
  },

  async markUsed(db: Db, id: string) {
    await db.updateTable("refresh_token").set({ used_at: sql<Date>`now()` }).where("id", "=", id).execute();
  },

  async revokeFamily(db: Db, familyId: string) {
    await db
      .updateTable("refresh_token")
      .set({ revoked_at: sql<Date>`now()` })
      .where("family_id", "=", familyId)
      .where("revoked_at", "is", null)
      .execute();
  },

  /** Revokes every live family of a user (but `keepFamily`); returns the revoked family ids (= sids). */
  async revokeAllOfUser(db: Db, userId: string, keepFamily?: string): Promise<string[]> {
    let q = db
      .updateTable("refresh_token")
      .set({ revoked_at: sql<Date>`now()` })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null);
    if (keepFamily) q = q.where("family_id", "<>", keepFamily);
    const rows = await q.returning("family_id").execute();
    return [...new Set(rows.map((r) => r.family_id))];
  },
};
