import type { bank } from "@arte/contracts";
import type { Executor } from "@arte/platform";
import { type Selectable, sql } from "kysely";
import type { AccountTable, BankDb, HoldTable, TransferTable } from "../../db/schema.js";

type Db = Executor<BankDb>;
export type AccountRow = Selectable<AccountTable>;
export type HoldRow = Selectable<HoldTable>;
export type TransferRow = Selectable<TransferTable>;

/** SQL only. Every balance change is one atomic, guarded UPDATE: no read-compute-write of balances. */
export const ledgerRepository = {
  findAccount(db: Db, id: string) {
    return db.selectFrom("account").selectAll().where("id", "=", id).executeTakeFirst() as Promise<
      AccountRow | undefined
    >;
  },

  findAccountByNumber(db: Db, number: string) {
    return db.selectFrom("account").selectAll().where("number", "=", number).executeTakeFirst() as Promise<
      AccountRow | undefined
    >;
  },

  /** Inserts unless the number is taken (then undefined: the caller draws another number). */
  async insertAccount(
    db: Db,
    a: { id: string; number: string; holderName: string; pinHash: string },
  ): Promise<AccountRow | undefined> {
    return (await db
      .insertInto("account")
      .values({
        id: a.id,
        number: a.number,
        holder_name: a.holderName,
        pin_hash: a.pinHash,
        kind: "CUSTOMER",
      })
      .onConflict((oc) => oc.column("number").doNothing())
      .returningAll()
      .executeTakeFirst()) as AccountRow | undefined;
  },

  /**
   * posted −= amount, only if the account is open and (unless it is CASH) keeps a non-negative
   * available balance. Undefined when the guard refused (the caller says why).
   */
  async debit(db: Db, id: string, amount: number): Promise<AccountRow | undefined> {
    return (await db
      .updateTable("account")
      .set({ posted: sql`posted - ${amount}`, updated_at: sql`now()` })
      .where("id", "=", id)
      .where("status", "<>", "CLOSED")
      .where((eb) => eb.or([eb("kind", "=", "CASH"), eb(sql`posted - held`, ">=", amount)]))
      .returningAll()
      .executeTakeFirst()) as AccountRow | undefined;
  },

  async credit(db: Db, id: string, amount: number): Promise<AccountRow | undefined> {
    return (await db
      .updateTable("account")
      .set({ posted: sql`posted + ${amount}`, updated_at: sql`now()` })
      .where("id", "=", id)
      .where("status", "<>", "CLOSED")
      .returningAll()
      .executeTakeFirst()) as AccountRow | undefined;
  },

  /** held += amount, only on an open customer account whose available balance covers it. */
  async reserve(db: Db, id: string, amount: number): Promise<AccountRow | undefined> {
    return (await db
      .updateTable("account")
      .set({ held: sql`held + ${amount}`, updated_at: sql`now()` })
      .where("id", "=", id)
      .where("kind", "=", "CUSTOMER")
      .where("status", "<>", "CLOSED")
      .where(sql`posted - held`, ">=", amount)
      .returningAll()
      .executeTakeFirst()) as AccountRow | undefined;
  },

  /** held −= holdAmount and posted −= captured (captured ≤ holdAmount keeps available ≥ 0). */
  async settleHold(db: Db, id: string, holdAmount: number, captured: number): Promise<AccountRow> {
    return (await db
      .updateTable("account")
      .set({ held: sql`held - ${holdAmount}`, posted: sql`posted - ${captured}`, updated_at: sql`now()` })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow()) as AccountRow;
  },

  async insertTransfer(
    db: Db,
    t: {
      id: string;
      debit: string;
      credit: string;
      amount: number;
      kind: TransferTable["kind"];
      reference: string | null;
      key: string | null;
      holdId?: string | null;
    },
  ): Promise<TransferRow> {
    return (await db
      .insertInto("transfer")
      .values({
        id: t.id,
        debit_account_id: t.debit,
        credit_account_id: t.credit,
        amount: t.amount,
        kind: t.kind,
        reference: t.reference,
        idempotency_key: t.key,
        hold_id: t.holdId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()) as TransferRow;
  },

  async insertHold(db: Db, h: { id: string; accountId: string; amount: number; reference: string }) {
    return (await db
      .insertInto("hold")
      .values({ id: h.id, account_id: h.accountId, amount: h.amount, reference: h.reference })
      .returningAll()
      .executeTakeFirstOrThrow()) as HoldRow;
  },

  findHold(db: Db, id: string) {
    return db.selectFrom("hold").selectAll().where("id", "=", id).executeTakeFirst() as Promise<
      HoldRow | undefined
    >;
  },

  /** Locks a PENDING hold (the row lock makes a concurrent release or capture wait, then find it ended). */
  lockPendingHold(db: Db, id: string) {
    return db
      .selectFrom("hold")
      .selectAll()
      .where("id", "=", id)
      .where("status", "=", "PENDING")
      .forUpdate()
      .executeTakeFirst() as Promise<HoldRow | undefined>;
  },

  /** The one way out of PENDING: conditional, so a hold ends exactly once. */
  async endHold(
    db: Db,
    id: string,
    end:
      | { status: "RELEASED" }
      | { status: "CAPTURED"; capturedAmount: number; payeeAccountId: string; transferId: string },
  ): Promise<HoldRow | undefined> {
    return (await db
      .updateTable("hold")
      .set({
        status: end.status,
        ended_at: sql`now()`,
        ...(end.status === "CAPTURED"
          ? {
              captured_amount: end.capturedAmount,
              payee_account_id: end.payeeAccountId,
              transfer_id: end.transferId,
            }
          : {}),
      })
      .where("id", "=", id)
      .where("status", "=", "PENDING")
      .returningAll()
      .executeTakeFirst()) as HoldRow | undefined;
  },

  /** A wrong PIN, counted atomically; the 5th locks. Undefined when the account is no longer ACTIVE. */
  async recordWrongPin(db: Db, id: string, maxAttempts: number) {
    return db
      .updateTable("account")
      .set({
        failed_pin_attempts: sql`failed_pin_attempts + 1`,
        status: sql`case when failed_pin_attempts + 1 >= ${maxAttempts} then 'LOCKED' else status end`,
        updated_at: sql`now()`,
      })
      .where("id", "=", id)
      .where("status", "=", "ACTIVE")
      .returning(["failed_pin_attempts", "status"])
      .executeTakeFirst();
  },

  /** A correct PIN resets the counter, unless the account got locked meanwhile (undefined then). */
  async resetPinAttempts(db: Db, id: string) {
    return db
      .updateTable("account")
      .set({ failed_pin_attempts: 0 })
      .where("id", "=", id)
      .where("status", "=", "ACTIVE")
      .returning(["id"])
      .executeTakeFirst();
  },

  /** An account's journal, newest first, keyset on seq, with the other side's number. */
  async journal(db: Db, accountId: string, limit: number, beforeSeq?: number) {
    const before = beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const rows = await sql<{
      id: string;
      seq: number;
      kind: TransferTable["kind"];
      amount: number;
      reference: string | null;
      created_at: Date;
      counterparty_number: string;
    }>`
      select t.id, t.seq, t.kind, t.reference, t.created_at,
             case when t.credit_account_id = ${accountId} then t.amount else -t.amount end as amount,
             c.number as counterparty_number
      from (
        (select * from transfer where debit_account_id = ${accountId} and seq < ${before}
         order by seq desc limit ${limit + 1})
        union all
        (select * from transfer where credit_account_id = ${accountId} and seq < ${before}
         order by seq desc limit ${limit + 1})
      ) t
      join account c on c.id = case when t.credit_account_id = ${accountId}
                                    then t.debit_account_id else t.credit_account_id end
      order by t.seq desc
      limit ${limit + 1}`.execute(db);
    return rows.rows;
  },

  listHolds(db: Db, q: { accountId?: string; reference?: string; status?: bank.HoldStatusT; limit: number }) {
    let query = db
      .selectFrom("hold")
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(q.limit);
    if (q.accountId) query = query.where("account_id", "=", q.accountId);
    if (q.reference) query = query.where("reference", "=", q.reference);
    if (q.status) query = query.where("status", "=", q.status);
    return query.execute() as Promise<HoldRow[]>;
  },

  listAccounts(
    db: Db,
    q: {
      q?: string;
      kind?: AccountTable["kind"];
      status?: bank.AccountStatusT;
      limit: number;
      afterNumber?: string;
    },
  ) {
    let query = db
      .selectFrom("account")
      .selectAll()
      .orderBy("number")
      .limit(q.limit + 1);
    if (q.kind) query = query.where("kind", "=", q.kind);
    if (q.status) query = query.where("status", "=", q.status);
    if (q.afterNumber) query = query.where("number", ">", q.afterNumber);
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb("number", "like", like), eb("holder_name", "ilike", like)]));
    }
    return query.execute() as Promise<AccountRow[]>;
  },

  /** The aggregates of the ledger check, read in one snapshot (REPEATABLE READ by the caller). */
  async ledgerFacts(db: Db) {
    const totals = await sql<{ sum_all: number; sum_customer_house: number; net_deposits: number }>`
      select
        (select coalesce(sum(posted), 0)::int8 from account) as sum_all,
        (select coalesce(sum(posted), 0)::int8 from account where kind <> 'CASH') as sum_customer_house,
        (select coalesce(sum(case kind when 'DEPOSIT' then amount when 'WITHDRAWAL' then -amount else 0 end), 0)::int8
           from transfer) as net_deposits`.execute(db);
    const mismatched = await sql<{ account_id: string; stored: number; journal: number }>`
      with j as (
        select account_id, sum(delta)::int8 as total from (
          select credit_account_id as account_id, amount as delta from transfer
          union all
          select debit_account_id, -amount from transfer
        ) x group by account_id
      )
      select a.id as account_id, a.posted as stored, coalesce(j.total, 0)::int8 as journal
      from account a left join j on j.account_id = a.id
      where a.posted <> coalesce(j.total, 0)`.execute(db);
    const holds = await sql<{ account_id: string; stored: number; pending: number }>`
      with p as (select account_id, sum(amount)::int8 as total from hold where status = 'PENDING' group by account_id)
      select a.id as account_id, a.held as stored, coalesce(p.total, 0)::int8 as pending
      from account a left join p on p.account_id = a.id
      where a.held <> coalesce(p.total, 0)`.execute(db);
    const negative = await sql<{ id: string }>`
      select id from account where kind <> 'CASH' and (posted < 0 or posted - held < 0)`.execute(db);
    return {
      totals: totals.rows[0] ?? { sum_all: 0, sum_customer_house: 0, net_deposits: 0 },
      mismatched: mismatched.rows,
      holds: holds.rows,
      negative: negative.rows.map((r) => r.id),
    };
  },
};
