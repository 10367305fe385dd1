import type { Role } from "@arte/contracts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../errors.js";
import { bearer, type TokenVerifier, type VerifiedToken } from "./tokens.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The verified caller, set by `authenticate`. */
    auth: VerifiedToken | null;
  }
  interface FastifyInstance {
    /** onRequest hook: requires a valid access token. */
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** onRequest hook: reads an access token if present (a bad one is still refused). */
    authenticateOptional: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** onRequest hook factory: requires a valid access token with the role. */
    requireRole: (role: Role) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export type RevocationCheck = (token: VerifiedToken) => Promise<boolean>;

/**
 * Every service verifies the access token itself: no identity header is ever trusted. An optional
 * revocation check (logged-out sessions, suspended users) runs after the signature check.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { verifier: TokenVerifier; isRevoked?: RevocationCheck }) => {
    app.decorateRequest("auth", null);
    async function read(req: FastifyRequest, required: boolean) {
      const header = req.headers.authorization;
      if (!header) {
        if (required)
          throw new AppError("UNAUTHENTICATED", 401, "Sign in to continue", undefined, {
            "www-authenticate": "Bearer",
          });
        return;
      }
      const token = bearer(header);
      if (!token)
        throw new AppError("TOKEN_INVALID", 401, "The access token is invalid", undefined, {
          "www-authenticate": "Bearer",
        });
      const claims = await opts.verifier.verify(token);
      if (opts.isRevoked && (await opts.isRevoked(claims))) {
        throw new AppError("TOKEN_INVALID", 401, "This session has ended", undefined, {
          "www-authenticate": "Bearer",
        });
      }
      req.auth = claims;
    }
    app.decorate("authenticate", async (req: FastifyRequest) => read(req, true));
    app.decorate("authenticateOptional", async (req: FastifyRequest) => read(req, false));
    app.decorate("requireRole", (role: Role) => async (req: FastifyRequest) => {
      await read(req, true);
      if (req.auth?.role !== role) throw new AppError("FORBIDDEN", 403, "You may not do this");
    });
  },
  { name: "arte-auth" },
);

/** The caller of an authenticated route. */
export function caller(req: FastifyRequest): VerifiedToken {
  if (!req.auth) throw new AppError("UNAUTHENTICATED", 401, "Sign in to continue");
  return req.auth;
}
