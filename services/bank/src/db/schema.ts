import type { bank } from "@arte/contracts";
import type { PlatformTables } from "@arte/platform";
import type { Generated } from "kysely";

export const SCHEMA = "bank";

type AccountKind = bank.AccountKindT;
type AccountStatus = bank.AccountStatusT;

export interface AccountTable {
  id: string;
  /** 4-3-6 digits, random, unique. */
  number: string;
  holder_name: string;
  /** `scrypt$N$r$p$salt$hash`; null for HOUSE and CASH (nobody can prove ownership of them). */
  pin_hash: string | null;
  kind: AccountKind;
  status: Generated<AccountStatus>;
  failed_pin_attempts: Generated<number>;
  /** credits − debits, from the journal (kept in the transaction that writes the journal row) */
  posted: Generated<number>;
  /** Σ PENDING holds (kept in the transaction that writes the hold row) */
  held: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TransferTable {
  id: string;
  /** insertion order: the journal's keyset */
  seq: Generated<number>;
  debit_account_id: string;
  credit_account_id: string;
  amount: number;
  kind: bank.TransferKindT;
  reference: string | null;
  idempotency_key: string | null;
  hold_id: string | null;
  created_at: Generated<Date>;
}

export interface HoldTable {
  id: string;
  account_id: string;
  amount: number;
  reference: string;
  status: Generated<bank.HoldStatusT>;
  captured_amount: number | null;
  payee_account_id: string | null;
  transfer_id: string | null;
  created_at: Generated<Date>;
  ended_at: Date | null;
}

export interface BankDb extends PlatformTables {
  account: AccountTable;
  transfer: TransferTable;
  hold: HoldTable;
}
