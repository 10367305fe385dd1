import { randomUUID } from "node:crypto";
import { AccessClaims } from "@arte/contracts";
import {
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { AppError } from "../errors.js";

export const ACCESS_TOKEN_TYP = "at+jwt";
export const ACCESS_TOKEN_ALG = "EdDSA";

/** A fresh Ed25519 signing key as a private JWK (with `kid`) and its public JWKS. */
export async function generateSigningKey(): Promise<{ privateJwk: JWK; jwks: JSONWebKeySet }> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALG, {
    extractable: true,
    crv: "Ed25519",
  });
  const kid = randomUUID();
  const priv = { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALG, use: "sig" };
  const pub = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: "sig" };
  return { privateJwk: priv, jwks: { keys: [pub] } };
}

/** Signs access tokens. Only the user service holds the private key. */
export async function createTokenSigner(opts: {
  privateJwk: JWK;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}) {
  const key = await importJWK(opts.privateJwk, ACCESS_TOKEN_ALG);
  return {
    ttlSeconds: opts.ttlSeconds,
    async sign(claims: AccessClaims): Promise<string> {
      return new SignJWT({ role: claims.role, sid: claims.sid, ev: claims.ev })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid: opts.privateJwk.kid })
        .setSubject(claims.sub)
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${opts.ttlSeconds}s`)
        .sign(key);
    },
  };
}
export type TokenSigner = Awaited<ReturnType<typeof createTokenSigner>>;

export type VerifiedToken = AccessClaims & { iat: number; exp: number; jti: string };

/**
 * Verifies access tokens with the user service's public keys: EdDSA only (so `alg: none` and HMAC
 * confusion are refused), `typ` at+jwt (a refresh token or any other JWT is refused), issuer and audience.
 */
export function createTokenVerifier(opts: { jwks: JSONWebKeySet; issuer: string; audience: string }) {
  const keys = createLocalJWKSet(opts.jwks);
  return {
    async verify(token: string): Promise<VerifiedToken> {
      try {
        const { payload } = await jwtVerify(token, keys, {
          algorithms: [ACCESS_TOKEN_ALG],
          typ: ACCESS_TOKEN_TYP,
          issuer: opts.issuer,
          audience: opts.audience,
          requiredClaims: ["sub", "exp", "iat", "jti"],
        });
        const claims = AccessClaims.safeParse(payload);
        if (!claims.success) throw new AppError("TOKEN_INVALID", 401, "The access token is invalid");
        return { ...claims.data, iat: payload.iat!, exp: payload.exp!, jti: payload.jti! };
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (err instanceof errors.JWTExpired)
          throw new AppError("TOKEN_EXPIRED", 401, "The access token has expired");
        throw new AppError("TOKEN_INVALID", 401, "The access token is invalid");
      }
    },
  };
}
export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

/** Reads `Authorization: Bearer <token>`; anything else is refused. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  // The scheme is case-insensitive (RFC 9110 §11.1).
  const m = /^Bearer ([A-Za-z0-9_\-.]{10,4096})$/i.exec(header.trim());
  return m?.[1] ?? null;
}
