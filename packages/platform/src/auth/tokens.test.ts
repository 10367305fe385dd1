import { randomUUID } from "node:crypto";
import { createTestKeys } from "@arte/testing";
import { base64url, importJWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { bearer, createTokenVerifier } from "./tokens.js";

const claims = () => ({ sub: randomUUID(), role: "USER" as const, sid: randomUUID(), ev: true });

const expectCode = async (p: Promise<unknown>, code: string) =>
  expect(
    await p.then(
      () => "accepted",
      (e) => e,
    ),
  ).toMatchObject({ code, status: 401 });

describe("access tokens", () => {
  it("verifies what the signer signed", async () => {
    const k = await createTestKeys();
    const c = claims();
    const v = await k.verifier.verify(await k.signer.sign(c));
    expect(v).toMatchObject(c);
    expect(v.exp - v.iat).toBe(900);
    expect(v.jti).toBeTruthy();
  });

  it("refuses an expired token TOKEN_EXPIRED", async () => {
    const k = await createTestKeys();
    const key = await importJWK(k.privateJwk, "EdDSA");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role: "USER", sid: randomUUID(), ev: true })
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: k.privateJwk.kid })
      .setSubject(randomUUID())
      .setIssuer(k.issuer)
      .setAudience(k.audience)
      .setJti(randomUUID())
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60)
      .sign(key);
    await expectCode(k.verifier.verify(token), "TOKEN_EXPIRED");
  });

  it("refuses a tampered payload TOKEN_INVALID", async () => {
    const k = await createTestKeys();
    const [h, p, s] = (await k.signer.sign(claims())).split(".");
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
    const forged = base64url.encode(JSON.stringify({ ...payload, role: "ADMIN" }));
    await expectCode(k.verifier.verify(`${h}.${forged}.${s}`), "TOKEN_INVALID");
  });

  it("refuses alg=none", async () => {
    const k = await createTestKeys();
    const [, p] = (await k.signer.sign(claims())).split(".");
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }));
    await expectCode(k.verifier.verify(`${header}.${p}.`), "TOKEN_INVALID");
  });

  it("refuses an HS256 token signed with the public key as the secret", async () => {
    const k = await createTestKeys();
    const pub = k.jwks.keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    for (const secret of [JSON.stringify(pub), pub.x!]) {
      const token = await new SignJWT({ ...claims(), sub: undefined })
        .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: pub.kid })
        .setSubject(randomUUID())
        .setIssuer(k.issuer)
        .setAudience(k.audience)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(new TextEncoder().encode(secret));
      await expectCode(k.verifier.verify(token), "TOKEN_INVALID");
    }
  });

  it("refuses a token signed by another key", async () => {
    const k = await createTestKeys();
    const other = await createTestKeys();
    await expectCode(k.verifier.verify(await other.signer.sign(claims())), "TOKEN_INVALID");
  });

  it("refuses another typ (a refresh token or an id token)", async () => {
    const k = await createTestKeys();
    const key = await importJWK(k.privateJwk, "EdDSA");
    const now = Math.floor(Date.now() / 1000);
    for (const typ of ["JWT", "refresh+jwt"]) {
      const token = await new SignJWT({ role: "USER", sid: randomUUID(), ev: true })
        .setProtectedHeader({ alg: "EdDSA", typ, kid: k.privateJwk.kid })
        .setSubject(randomUUID())
        .setIssuer(k.issuer)
        .setAudience(k.audience)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(key);
      await expectCode(k.verifier.verify(token), "TOKEN_INVALID");
    }
  });

  it("refuses another issuer or audience", async () => {
    const k = await createTestKeys();
    const token = await k.signer.sign(claims());
    await expectCode(
      createTokenVerifier({ jwks: k.jwks, issuer: "someone-else", audience: k.audience }).verify(token),
      "TOKEN_INVALID",
    );
    await expectCode(
      createTokenVerifier({ jwks: k.jwks, issuer: k.issuer, audience: "another-app" }).verify(token),
      "TOKEN_INVALID",
    );
  });

  it("refuses a signed token whose claims break the contract", async () => {
    const k = await createTestKeys();
    await expectCode(
      k.verifier.verify(await k.signer.sign({ ...claims(), sid: "not-a-uuid" })),
      "TOKEN_INVALID",
    );
  });

  it("reads a Bearer header (scheme case-insensitive) and nothing else", () => {
    const t = "aaaaaaaaaa.bbbbbbbbbb.cccccccccc";
    expect(bearer(`Bearer ${t}`)).toBe(t);
    expect(bearer(`bearer ${t}`)).toBe(t);
    expect(bearer(`Basic ${t}`)).toBeNull();
    expect(bearer(`Bearer ${t} extra`)).toBeNull();
    expect(bearer(undefined)).toBeNull();
  });
});
