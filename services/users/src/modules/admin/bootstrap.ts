import { users } from "@arte/contracts";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { UsersDb } from "../../db/schema.js";
import { createPasswords } from "../../lib/passwords.js";
import { usersRepository } from "../accounts/users.repository.js";

/**
 * Creates the first ADMIN (email verified) when no admin exists; does nothing otherwise. Safe to run
 * from several launchers at once (a transaction-scoped advisory lock serialises them). The profile
 * fields an admin never filled in get neutral placeholders. No UserRegisteredV1: nobody is welcomed.
 */
export async function ensureFirstAdmin(
  db: Kysely<UsersDb>,
  input: { email: string; password: string; username: string },
): Promise<{ created: boolean }> {
  const email = users.Email.parse(input.email);
  const password = users.Password.parse(input.password);
  const username = users.Text(50).parse(input.username);
  const passwordHash = await createPasswords().hash(password);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('users:ensure-first-admin'))`.execute(trx);
    if (await usersRepository.anyAdmin(trx)) return { created: false };
    const row = await usersRepository.insert(trx, {
      email,
      passwordHash,
      username,
      birth: "1900-01-01",
      gender: "X",
      phone: "010-0000-0000",
      postcode: "00000",
      address: "-",
      addressDetail: null,
      locale: "ko",
      role: "ADMIN",
      emailVerified: true,
    });
    // The email belongs to a non-admin already: refuse rather than silently promote it.
    if (!row) throw new Error(`cannot create the first admin: ${email} is already registered`);
    return { created: true };
  });
}
