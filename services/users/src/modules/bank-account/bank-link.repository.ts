import type { Executor } from "@arte/platform";
import type { Selectable } from "kysely";
import type { BankLinkTable, UsersDb } from "../../db/schema.js";

type Db = Executor<UsersDb>;
export type BankLinkRow = Selectable<BankLinkTable>;

export type NewBankLink = {
  userId: string;
  accountId: string;
  accountNumber: string;
  holderName: string;
  openKey: string | null;
};

export const bankLinkRepository = {
  async findByUser(db: Db, userId: string): Promise<BankLinkRow | undefined> {
    return db.selectFrom("bank_link").selectAll().where("user_id", "=", userId).executeTakeFirst();
  },

  /**
   * Inserts a link; `undefined` when the user already has one or the account belongs to someone (either
   * unique index). The indexes decide, so two concurrent links cannot both succeed; a concurrent insert
   * of the same key is waited for, then skipped.
   */
  async insert(db: Db, l: NewBankLink): Promise<BankLinkRow | undefined> {
    return db
      .insertInto("bank_link")
      .values({
        user_id: l.userId,
        account_id: l.accountId,
        account_number: l.accountNumber,
        holder_name: l.holderName,
        open_key: l.openKey,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  /** Deletes the user's link to this account; `undefined` when there is none (already unlinked). */
  async delete(db: Db, userId: string, accountId: string): Promise<BankLinkRow | undefined> {
    return db
      .deleteFrom("bank_link")
      .where("user_id", "=", userId)
      .where("account_id", "=", accountId)
      .returningAll()
      .executeTakeFirst();
  },
};
