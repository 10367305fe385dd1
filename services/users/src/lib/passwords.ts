import {
  createDummyHash,
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  type ScryptParams,
  verifyPassword,
} from "./password.js";

/** Password hashing bound to the current parameters, with the dummy hash for unknown emails. */
export function createPasswords(params: ScryptParams = DEFAULT_SCRYPT) {
  let dummy: Promise<string> | null = null;
  return {
    hash: (password: string) => hashPassword(password, params),
    verify: verifyPassword,
    needsRehash: (stored: string) => needsRehash(stored, params),
    /** Spends the same work as a real check, then fails: no timing difference for unknown emails. */
    async burn(password: string): Promise<false> {
      dummy ??= createDummyHash(params);
      await verifyPassword(password, await dummy);
      return false;
    },
  };
}
export type Passwords = ReturnType<typeof createPasswords>;
