import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** sha256 hex: how refresh tokens and verification tokens are stored (they are 256-bit random). */
export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** An opaque random token: 32 bytes, base64url (43 characters). */
export const randomToken = () => randomBytes(32).toString("base64url");

/** What `randomToken` produces; anything else is refused before touching the database. */
export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The key that HMACs one-time codes, derived (HKDF, its own label) from the signing key's secret part:
 * a 6-digit code's hash in Redis is worthless without the service's secret, and no extra env is needed.
 */
export function deriveCodeKey(privateJwk: { d?: unknown }): Buffer {
  if (typeof privateJwk.d !== "string") throw new Error("the private JWK has no secret part");
  return Buffer.from(
    hkdfSync(
      "sha256",
      Buffer.from(privateJwk.d, "base64url"),
      Buffer.alloc(0),
      "arte-users/code-hmac/v1",
      32,
    ),
  );
}

/** HMAC of a code bound to its purpose and email, hex. */
export const hashCode = (key: Buffer, purpose: string, email: string, code: string) =>
  createHmac("sha256", key).update(`${purpose}\n${email}\n${code}`).digest("hex");

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
