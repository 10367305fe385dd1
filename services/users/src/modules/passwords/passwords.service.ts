import { users } from "@arte/contracts";
import { enqueue, failWith, type RevocationStore } from "@arte/platform";
import type { Kysely } from "kysely";
import type { UsersDb } from "../../db/schema.js";
import type { Passwords } from "../../lib/passwords.js";
import { usersRepository } from "../accounts/users.repository.js";
import type { Lockout } from "../auth/lockout.store.js";
import { sessionsRepository } from "../auth/sessions.repository.js";
import type { CodeStore } from "../verification/codes.store.js";

const fail = failWith(users.UserErrors);

export const RESET_REQUESTED_MESSAGE = "If an account uses this email, a reset code is on its way";

export function createPasswordsService(deps: {
  db: Kysely<UsersDb>;
  passwords: Passwords;
  resetCodes: CodeStore;
  revocations: RevocationStore;
  lockout: Lockout;
  now: () => Date;
}) {
  const { db, passwords, resetCodes, revocations, lockout, now } = deps;
  return {
    /** Changes the password (current one required) and ends every other session; this one stays. */
    async change(cmd: { userId: string; sid: string; currentPassword: string; newPassword: string }) {
      const user = await usersRepository.findById(db, cmd.userId);
      if (!user) throw fail("USER_NOT_FOUND", "This account no longer exists");
      if (!(await passwords.verify(cmd.currentPassword, user.password_hash)))
        throw fail("PASSWORD_INCORRECT", "The current password is incorrect");
      if (cmd.newPassword.normalize("NFC") === cmd.currentPassword.normalize("NFC"))
        throw fail("PASSWORD_SAME_AS_OLD", "Choose a password different from the current one");
      const hash = await passwords.hash(cmd.newPassword);
      const ended = await db.transaction().execute(async (trx) => {
        await usersRepository.setPasswordHash(trx, user.id, hash);
        return sessionsRepository.revokeAllOfUser(trx, user.id, cmd.sid);
      });
      await revocations.revoke(ended);
    },

    /**
     * Always the same answer. For an existing account a reset code goes out through the outbox (at most
     * one per resend window; extra requests are silently dropped so they look like any other).
     */
    async requestReset(cmd: { email: string; locale?: "ko" | "en" | undefined; correlationId: string }) {
      const user = await usersRepository.findByEmail(db, cmd.email);
      const issued = await resetCodes.issue(cmd.email, user !== undefined, now());
      if (!user || !issued.ok || !issued.code) return { message: RESET_REQUESTED_MESSAGE };
      const code = issued.code;
      try {
        await db.transaction().execute((trx) =>
          enqueue(
            trx,
            users.PasswordResetRequestedV1,
            {
              userId: user.id,
              email: user.email,
              username: user.username,
              locale: cmd.locale ?? user.locale,
              code,
              expiresAt: issued.expiresAt.toISOString(),
            },
            { correlationId: cmd.correlationId },
          ),
        );
      } catch (err) {
        await resetCodes.discard(cmd.email).catch(() => {});
        throw err;
      }
      return { message: RESET_REQUESTED_MESSAGE };
    },

    /** Sets a new password with the emailed code and ends every session of the account. */
    async reset(cmd: { email: string; code: string; newPassword: string }) {
      const outcome = await resetCodes.attempt(cmd.email, cmd.code);
      if (outcome.kind === "exceeded")
        throw fail("CODE_ATTEMPTS_EXCEEDED", "Too many wrong codes: ask for a new one");
      if (outcome.kind !== "ok")
        throw fail(
          "RESET_CODE_INVALID",
          "The code is incorrect or has expired",
          outcome.kind === "incorrect" ? { attemptsLeft: outcome.attemptsLeft } : undefined,
        );
      const user = await usersRepository.findByEmail(db, cmd.email);
      if (!user) throw fail("RESET_CODE_INVALID", "The code is incorrect or has expired");
      const hash = await passwords.hash(cmd.newPassword);
      const ended = await db.transaction().execute(async (trx) => {
        await usersRepository.setPasswordHash(trx, user.id, hash);
        return sessionsRepository.revokeAllOfUser(trx, user.id);
      });
      await revocations.revoke(ended);
      await lockout.clearAccount(cmd.email);
    },
  };
}
export type PasswordsService = ReturnType<typeof createPasswordsService>;
