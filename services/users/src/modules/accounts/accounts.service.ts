import { users } from "@arte/contracts";
import { AppError, enqueue, failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import type { z } from "zod";
import type { UsersDb } from "../../db/schema.js";
import type { Passwords } from "../../lib/passwords.js";
import type { VerificationTokens } from "../verification/codes.store.js";
import { usersRepository } from "./users.repository.js";
import { toMe } from "./users.view.js";

const fail = failWith(users.UserErrors);

export function createAccountsService(deps: {
  db: Kysely<UsersDb>;
  passwords: Passwords;
  tokens: VerificationTokens;
}) {
  const { db, passwords, tokens } = deps;

  /**
   * A sign-up retried with a token that already created an account (its answer was lost on the way):
   * the same email and the same password get that account back, as the first answer would have.
   */
  async function replay(body: z.output<typeof users.SignUpBody>) {
    const userId = await tokens.usedBy(body.verificationToken);
    if (!userId) return null;
    const row = await usersRepository.findById(db, userId);
    if (!row || row.email !== body.email) return null;
    if (!(await passwords.verify(body.password, row.password_hash))) return null;
    return toMe(row);
  }

  return {
    /**
     * Creates an account for a confirmed email. The verification token is taken first (single use; a
     * failure that is not the token's fault puts it back). The user row and UserRegisteredV1 commit together.
     */
    async signUp(body: z.output<typeof users.SignUpBody>, correlationId: string) {
      const proof = await tokens.take(body.verificationToken);
      if (!proof || proof.email !== body.email) {
        if (proof) await tokens.restore(body.verificationToken, proof.email, proof.pttl);
        const replayed = proof ? null : await replay(body);
        if (replayed) return replayed;
        throw fail("VERIFICATION_INVALID", "Confirm your email first (the proof is missing or expired)");
      }
      try {
        const passwordHash = await passwords.hash(body.password);
        const row = await db.transaction().execute(async (trx) => {
          const row = await usersRepository.insert(trx, {
            email: body.email,
            passwordHash,
            username: body.username,
            birth: body.birth,
            gender: body.gender,
            phone: body.phoneNumber,
            postcode: body.postcode,
            address: body.address,
            addressDetail: body.addressDetail ?? null,
            locale: body.locale,
            role: "USER",
            emailVerified: true,
          });
          if (!row) throw fail("EMAIL_ALREADY_REGISTERED", "An account with this email already exists");
          await enqueue(
            trx,
            users.UserRegisteredV1,
            { userId: row.id, email: row.email, username: row.username, locale: row.locale },
            { correlationId },
          );
          return row;
        });
        await tokens.markUsed(body.verificationToken, row.id, proof.pttl).catch(() => {});
        return toMe(row);
      } catch (err) {
        if (!(err instanceof AppError && err.code === "EMAIL_ALREADY_REGISTERED"))
          await tokens.restore(body.verificationToken, proof.email, proof.pttl).catch(() => {});
        throw err;
      }
    },

    async getMe(userId: string) {
      const row = await usersRepository.findById(db, userId);
      if (!row) throw fail("USER_NOT_FOUND", "This account no longer exists");
      return toMe(row);
    },

    async updateMe(userId: string, body: z.output<typeof users.UpdateMeBody>) {
      const row = await usersRepository.updateProfile(db, userId, {
        username: body.username,
        phone: body.phoneNumber,
        postcode: body.postcode,
        address: body.address,
        addressDetail: body.addressDetail,
        locale: body.locale,
      });
      if (!row) throw fail("USER_NOT_FOUND", "This account no longer exists");
      return toMe(row);
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
