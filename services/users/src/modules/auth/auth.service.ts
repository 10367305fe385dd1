import { randomUUID } from "node:crypto";
import { users } from "@arte/contracts";
import { failWith, type RevocationStore, type TokenSigner } from "@arte/platform";
import type { Kysely, Transaction } from "kysely";
import type { UsersDb } from "../../db/schema.js";
import type { Passwords } from "../../lib/passwords.js";
import { randomToken, sha256, TOKEN_FORMAT } from "../../lib/secrets.js";
import { type UserRow, usersRepository } from "../accounts/users.repository.js";
import { retryAfterSeconds } from "../verification/codes.domain.js";
import type { Lockout } from "./lockout.store.js";
import { sessionsRepository } from "./sessions.repository.js";

const fail = failWith(users.UserErrors);

export type Session = {
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
  user: { id: string; username: string; role: "USER" | "ADMIN"; locale: "ko" | "en" };
  refreshToken: string;
  refreshExpiresAt: Date;
};

export function createAuthService(deps: {
  db: Kysely<UsersDb>;
  passwords: Passwords;
  signer: TokenSigner;
  revocations: RevocationStore;
  lockout: Lockout;
  refreshTtlDays: number;
  now: () => Date;
}) {
  const { db, passwords, signer, revocations, lockout, now } = deps;
  const refreshTtlMs = deps.refreshTtlDays * 24 * 3600_000;

  /** A new refresh token in `familyId`; only its hash is stored. */
  async function newRefresh(trx: Transaction<UsersDb>, userId: string, familyId: string) {
    const token = randomToken();
    const expiresAt = new Date(now().getTime() + refreshTtlMs);
    await sessionsRepository.insert(trx, {
      id: randomUUID(),
      userId,
      familyId,
      tokenHash: sha256(token),
      expiresAt,
    });
    return { token, expiresAt };
  }

  async function session(user: UserRow, sid: string, refresh: { token: string; expiresAt: Date }) {
    const accessToken = await signer.sign({ sub: user.id, role: user.role, sid, ev: user.email_verified });
    return {
      accessToken,
      tokenType: "Bearer" as const,
      expiresIn: signer.ttlSeconds,
      user: { id: user.id, username: user.username, role: user.role, locale: user.locale },
      refreshToken: refresh.token,
      refreshExpiresAt: refresh.expiresAt,
    };
  }

  const invalidRefresh = () => fail("REFRESH_TOKEN_INVALID", "Sign in again");

  return {
    /**
     * Unknown email and wrong password fail alike (same code, same work). Lock checks come first; a
     * suspended account is reported only after its password is proven.
     */
    async login(cmd: { email: string; password: string; ip: string }): Promise<Session> {
      const lockedMs = await lockout.lockedFor(cmd.email, cmd.ip);
      if (lockedMs > 0) {
        const s = retryAfterSeconds(lockedMs);
        throw fail(
          "LOGIN_LOCKED",
          `Too many failed sign-ins: try again in ${s} s`,
          { retryAfterSeconds: s },
          { "retry-after": String(s) },
        );
      }
      const user = await usersRepository.findByEmail(db, cmd.email);
      const ok = user
        ? await passwords.verify(cmd.password, user.password_hash)
        : await passwords.burn(cmd.password);
      if (!user || !ok) {
        await lockout.recordFailure(cmd.email, cmd.ip);
        throw fail("INVALID_CREDENTIALS", "The email or password is incorrect");
      }
      if (user.status === "SUSPENDED") throw fail("ACCOUNT_SUSPENDED", "This account is suspended");
      await lockout.recordSuccess(cmd.email);
      const rehash = passwords.needsRehash(user.password_hash) ? await passwords.hash(cmd.password) : null;
      const sid = randomUUID();
      const refresh = await db.transaction().execute(async (trx) => {
        await usersRepository.touchLogin(trx, user.id);
        if (rehash) await usersRepository.setPasswordHash(trx, user.id, rehash);
        return newRefresh(trx, user.id, sid);
      });
      return session(user, sid, refresh);
    },

    /**
     * Rotates a refresh token: the presented row is locked, marked used and replaced in the same family.
     * A token presented a second time means it was copied: the whole family is revoked (in the database
     * and, for its access tokens, in the revocation store).
     */
    async refresh(token: string | undefined): Promise<Session> {
      if (!token || !TOKEN_FORMAT.test(token)) throw invalidRefresh();
      const outcome = await db.transaction().execute(async (trx) => {
        const row = await sessionsRepository.lockByHash(trx, sha256(token));
        if (!row || row.revoked_at) return { kind: "invalid" as const };
        if (row.used_at) {
          await sessionsRepository.revokeFamily(trx, row.family_id);
          return { kind: "reused" as const, sid: row.family_id };
        }
        if (row.expires_at.getTime() <= now().getTime()) return { kind: "invalid" as const };
        const user = await usersRepository.findById(trx, row.user_id);
        if (!user) return { kind: "invalid" as const };
        if (user.status === "SUSPENDED") {
          await sessionsRepository.revokeFamily(trx, row.family_id);
          return { kind: "suspended" as const, sid: row.family_id };
        }
        await sessionsRepository.markUsed(trx, row.id);
        const next = await newRefresh(trx, user.id, row.family_id);
        return { kind: "ok" as const, user, sid: row.family_id, next };
      });
      switch (outcome.kind) {
        case "invalid":
          throw invalidRefresh();
        case "reused":
          await revocations.revoke([outcome.sid]);
          throw fail("REFRESH_TOKEN_REUSED", "This sign-in was ended for safety: sign in again");
        case "suspended":
          await revocations.revoke([outcome.sid]);
          throw fail("ACCOUNT_SUSPENDED", "This account is suspended");
        case "ok":
          return session(outcome.user, outcome.sid, outcome.next);
      }
    },

    /** Ends the session named by the refresh token and/or the access token's sid. Idempotent. */
    async logout(cmd: { refreshToken?: string | undefined; sid?: string | undefined }) {
      const sids = new Set<string>();
      if (cmd.sid) sids.add(cmd.sid);
      if (cmd.refreshToken && TOKEN_FORMAT.test(cmd.refreshToken)) {
        const row = await sessionsRepository.findByHash(db, sha256(cmd.refreshToken));
        if (row) sids.add(row.family_id);
      }
      if (sids.size === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const sid of sids) await sessionsRepository.revokeFamily(trx, sid);
      });
      await revocations.revoke([...sids]);
    },

    /** Ends every session of the user, this one included. */
    async logoutAll(userId: string, sid: string) {
      const sids = await db.transaction().execute((trx) => sessionsRepository.revokeAllOfUser(trx, userId));
      await revocations.revoke([...new Set([...sids, sid])]);
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
