import type { Access } from "@arte/contracts";
import {
  AppError,
  bearer,
  type RevocationStore,
  type TokenVerifier,
  type VerifiedToken,
} from "@arte/platform";

const challenge = { "www-authenticate": "Bearer" };

/**
 * The gateway's access check for one operation. A token that is present is always verified
 * (signature, EdDSA only, typ, issuer, audience, expiry) and checked against ended sessions, even
 * on public operations: a bad token is a 401, never silently ignored. `user` needs a token,
 * `admin` needs role ADMIN.
 */
export function createAccessCheck(deps: { verifier: TokenVerifier; revocations: RevocationStore }) {
  return async function check(
    access: Access,
    authorization: string | undefined,
  ): Promise<VerifiedToken | null> {
    let claims: VerifiedToken | null = null;
    if (authorization !== undefined) {
      const token = bearer(authorization);
      if (!token)
        throw new AppError("TOKEN_INVALID", 401, "The access token is invalid", undefined, challenge);
      try {
        claims = await deps.verifier.verify(token);
      } catch (err) {
        if (err instanceof AppError)
          throw new AppError(err.code, err.status, err.message, undefined, challenge);
        throw err;
      }
      let revoked: boolean;
      try {
        revoked = await deps.revocations.isRevoked(claims);
      } catch {
        throw new AppError(
          "SERVICE_UNAVAILABLE",
          503,
          "Sign-in cannot be checked right now, try again shortly",
        );
      }
      if (revoked) throw new AppError("TOKEN_INVALID", 401, "This session has ended", undefined, challenge);
    }
    if (access === "public") return claims;
    if (!claims) throw new AppError("UNAUTHENTICATED", 401, "Sign in to continue", undefined, challenge);
    if (access === "admin" && claims.role !== "ADMIN")
      throw new AppError("FORBIDDEN", 403, "You may not do this");
    return claims;
  };
}
export type AccessCheck = ReturnType<typeof createAccessCheck>;
