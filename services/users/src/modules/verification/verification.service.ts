import { users } from "@arte/contracts";
import { enqueue, failWith } from "@arte/platform";
import type { Kysely } from "kysely";
import type { UsersDb } from "../../db/schema.js";
import { randomToken } from "../../lib/secrets.js";
import { usersRepository } from "../accounts/users.repository.js";
import { retryAfterSeconds, VERIFICATION_TOKEN_TTL_SECONDS } from "./codes.domain.js";
import type { CodeStore, VerificationTokens } from "./codes.store.js";

const fail = failWith(users.UserErrors);

export function createVerificationService(deps: {
  db: Kysely<UsersDb>;
  codes: CodeStore;
  tokens: VerificationTokens;
  now: () => Date;
}) {
  const { db, codes, tokens, now } = deps;
  const { policy } = codes;
  return {
    /**
     * Emails a sign-up code through the outbox. An email that is already registered gets the same
     * answer and the same resend throttle, but no code and no email (no account enumeration).
     */
    async requestCode(cmd: { email: string; locale?: "ko" | "en" | undefined; correlationId: string }) {
      const registered = (await usersRepository.findByEmail(db, cmd.email)) !== undefined;
      const issued = await codes.issue(cmd.email, !registered, now());
      if (!issued.ok) {
        const s = retryAfterSeconds(issued.retryAfterMs);
        throw fail(
          "CODE_RESEND_TOO_SOON",
          `Wait ${s} s before asking for another code`,
          { retryAfterSeconds: s },
          { "retry-after": String(s) },
        );
      }
      if (issued.code) {
        const code = issued.code;
        try {
          await db.transaction().execute((trx) =>
            enqueue(
              trx,
              users.EmailCodeRequestedV1,
              {
                email: cmd.email,
                code,
                locale: cmd.locale ?? "ko",
                expiresAt: issued.expiresAt.toISOString(),
              },
              { correlationId: cmd.correlationId },
            ),
          );
        } catch (err) {
          // Nothing will be sent: let the user ask again at once.
          await codes.discard(cmd.email).catch(() => {});
          throw err;
        }
      }
      return {
        message: "If this address can sign up, a code is on its way",
        expiresInSeconds: policy.ttlSeconds,
        resendAfterSeconds: policy.resendAfterSeconds,
      };
    },

    /** Consumes a correct code and returns a single-use proof (15 min) that sign-up requires. */
    async confirm(cmd: { email: string; code: string }) {
      const outcome = await codes.attempt(cmd.email, cmd.code);
      switch (outcome.kind) {
        case "missing":
          throw fail("CODE_NOT_FOUND_OR_EXPIRED", "No valid code for this email: ask for a new one");
        case "incorrect":
          throw fail("CODE_INCORRECT", "The code is incorrect", { attemptsLeft: outcome.attemptsLeft });
        case "exceeded":
          throw fail("CODE_ATTEMPTS_EXCEEDED", "Too many wrong codes: ask for a new one");
        case "ok": {
          const verificationToken = randomToken();
          await tokens.issue(cmd.email, verificationToken);
          const expiresAt = new Date(now().getTime() + VERIFICATION_TOKEN_TTL_SECONDS * 1000);
          return { verificationToken, expiresAt: expiresAt.toISOString() };
        }
      }
    },
  };
}
export type VerificationService = ReturnType<typeof createVerificationService>;
