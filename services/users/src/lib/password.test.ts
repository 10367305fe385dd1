import { describe, expect, it } from "vitest";
import {
  createDummyHash,
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  parseHash,
  verifyPassword,
} from "./password.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashing", () => {
  it("stores scrypt$N$r$p$salt$hash with a random salt per hash", async () => {
    const a = await hashPassword("correct horse 42", FAST);
    const b = await hashPassword("correct horse 42", FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("correct horse");
  });

  it("verifies the right password only", async () => {
    const h = await hashPassword("correct horse 42", FAST);
    expect(await verifyPassword("correct horse 42", h)).toBe(true);
    expect(await verifyPassword("correct horse 43", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("treats NFC and NFD spellings of one password alike", async () => {
    const h = await hashPassword("비밀번호 seoul 1", FAST);
    expect(await verifyPassword("비밀번호 seoul 1".normalize("NFD"), h)).toBe(true);
  });

  it("never throws on a malformed stored hash, and never matches it", async () => {
    for (const bad of [
      "",
      "sha256$abc",
      "scrypt$3$8$1$c2FsdHNhbHQ$x",
      "scrypt$1024$8$1$$",
      "scrypt$999999999$8$1$a$b",
    ])
      expect(await verifyPassword("x", bad)).toBe(false);
    expect(parseHash("scrypt$1024$8$1$c2FsdHNhbHRzYWx0$short")).toBeNull();
  });

  it("flags hashes made with other parameters for rehash", async () => {
    const h = await hashPassword("pw 1234567890", FAST);
    expect(needsRehash(h, FAST)).toBe(false);
    expect(needsRehash(h, DEFAULT_SCRYPT)).toBe(true);
    expect(needsRehash("garbage")).toBe(true);
  });

  it("has production defaults of at least 32 MiB of scrypt work", () => {
    expect(128 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r * DEFAULT_SCRYPT.p).toBeGreaterThanOrEqual(
      32 * 1024 * 1024,
    );
  });

  it("makes a dummy hash that verifies nothing useful", async () => {
    const d = await createDummyHash(FAST);
    expect(parseHash(d)?.params).toEqual(FAST);
    expect(await verifyPassword("correct horse 42", d)).toBe(false);
  });
});
