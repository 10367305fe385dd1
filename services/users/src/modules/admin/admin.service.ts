import { users } from "@arte/contracts";
import { enqueue, fail as failCommon, failWith, type RevocationStore } from "@arte/platform";
import type { Kysely } from "kysely";
import type { z } from "zod";
import type { UsersDb } from "../../db/schema.js";
import { usersRepository } from "../accounts/users.repository.js";
import { toAdminUser } from "../accounts/users.view.js";
import { sessionsRepository } from "../auth/sessions.repository.js";
import { decodeCursor, encodeCursor } from "./cursor.domain.js";

const fail = failWith(users.UserErrors);

export function createAdminService(deps: { db: Kysely<UsersDb>; revocations: RevocationStore }) {
  const { db, revocations } = deps;
  return {
    async list(query: z.output<typeof users.AdminUserListQuery>) {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (after === null) throw failCommon("VALIDATION_FAILED", "The cursor is invalid");
      const { rows, total } = await usersRepository.list(db, {
        q: query.q || undefined,
        status: query.status,
        role: query.role,
        after,
        limit: query.limit + 1,
      });
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      const nextCursor =
        rows.length > query.limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null;
      return { items: items.map(toAdminUser), nextCursor, total };
    },

    async get(id: string) {
      const row = await usersRepository.findById(db, id);
      if (!row) throw fail("USER_NOT_FOUND", "No such user");
      return toAdminUser(row);
    },

    /**
     * Suspends a user: status, every session revoked, UserSuspendedV1, in one transaction; then the
     * revoked sids go to the revocation store. Suspending a suspended user changes nothing.
     */
    async suspend(cmd: { adminId: string; userId: string; reason: string; correlationId: string }) {
      if (cmd.adminId === cmd.userId) throw fail("CANNOT_SUSPEND_SELF", "You cannot suspend yourself");
      const result = await db.transaction().execute(async (trx) => {
        const current = await usersRepository.findById(trx, cmd.userId, { forUpdate: true });
        if (!current) throw fail("USER_NOT_FOUND", "No such user");
        if (current.status === "SUSPENDED") return { row: current, sids: [] as string[] };
        const row = await usersRepository.setSuspension(trx, cmd.userId, { reason: cmd.reason });
        const sids = await sessionsRepository.revokeAllOfUser(trx, cmd.userId);
        await enqueue(
          trx,
          users.UserSuspendedV1,
          { userId: cmd.userId, reason: cmd.reason, suspended: true },
          { correlationId: cmd.correlationId },
        );
        return { row: row!, sids };
      });
      await revocations.revoke(result.sids);
      return toAdminUser(result.row);
    },

    async unsuspend(cmd: { userId: string; correlationId: string }) {
      const row = await db.transaction().execute(async (trx) => {
        const current = await usersRepository.findById(trx, cmd.userId, { forUpdate: true });
        if (!current) throw fail("USER_NOT_FOUND", "No such user");
        if (current.status === "ACTIVE") return current;
        const row = await usersRepository.setSuspension(trx, cmd.userId, null);
        await enqueue(
          trx,
          users.UserSuspendedV1,
          { userId: cmd.userId, reason: "", suspended: false },
          { correlationId: cmd.correlationId },
        );
        return row!;
      });
      return toAdminUser(row);
    },
  };
}
export type AdminService = ReturnType<typeof createAdminService>;
