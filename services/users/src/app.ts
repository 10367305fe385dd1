import { users } from "@arte/contracts";
import {
  authPlugin,
  createHttpApp,
  createRevocationStore,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type Redis,
  type TokenSigner,
  type TokenVerifier,
} from "@arte/platform";
import cookie from "@fastify/cookie";
import type { JSONWebKeySet } from "jose";
import type { Kysely } from "kysely";
import type { UsersDb } from "./db/schema.js";
import type { ScryptParams } from "./lib/password.js";
import { createPasswords } from "./lib/passwords.js";
import { accountsRoutes } from "./modules/accounts/accounts.routes.js";
import { createAccountsService } from "./modules/accounts/accounts.service.js";
import { adminRoutes } from "./modules/admin/admin.routes.js";
import { createAdminService } from "./modules/admin/admin.service.js";
import { authRoutes } from "./modules/auth/auth.routes.js";
import { createAuthService } from "./modules/auth/auth.service.js";
import type { LockoutPolicy } from "./modules/auth/lockout.domain.js";
import { createLockout } from "./modules/auth/lockout.store.js";
import { type BankClient, unconfiguredBankClient } from "./modules/bank-account/bank.client.js";
import { bankAccountRoutes } from "./modules/bank-account/bank-account.routes.js";
import {
  createBankAccountService,
  type DemoBankSettings,
} from "./modules/bank-account/bank-account.service.js";
import { passwordsRoutes } from "./modules/passwords/passwords.routes.js";
import { createPasswordsService } from "./modules/passwords/passwords.service.js";
import {
  RESET_CODE,
  SIGNUP_CODE,
  VERIFICATION_TOKEN_TTL_SECONDS,
} from "./modules/verification/codes.domain.js";
import { createCodeStore, createVerificationTokens } from "./modules/verification/codes.store.js";
import { verificationRoutes } from "./modules/verification/verification.routes.js";
import { createVerificationService } from "./modules/verification/verification.service.js";

export type AppDeps = {
  db: Kysely<UsersDb>;
  redis: Redis;
  log: Logger;
  signer: TokenSigner;
  verifier: TokenVerifier;
  /** The public keys served at /.well-known/jwks.json. */
  jwks: JSONWebKeySet;
  /** HMAC key for one-time codes (see `deriveCodeKey`). */
  codeKey: Buffer;
  refreshTtlDays: number;
  cookieSecure: boolean;
  instance?: string;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  /** Defaults to DEFAULT_SCRYPT; tests may lower the cost. */
  passwordParams?: ScryptParams;
  lockout?: { account: LockoutPolicy; ip: LockoutPolicy };
  now?: () => Date;
  /** The bank (signed RPCs). Absent: the bank-account endpoints answer 503 BANK_UNAVAILABLE. */
  bank?: BankClient | undefined;
  /** Demo accounts and top-ups (default: off, 404 DEMO_DISABLED). */
  demoBank?: DemoBankSettings;
};

/** The user service's HTTP app. It never listens: main.ts does, tests use inject(). */
export async function buildApp(deps: AppDeps) {
  const now = deps.now ?? (() => new Date());
  const app = createHttpApp({
    service: "users",
    instance: deps.instance ?? "local",
    logger: deps.log,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
  });
  const revocations = createRevocationStore(deps.redis, { accessTtlSeconds: deps.signer.ttlSeconds });
  const passwords = createPasswords(deps.passwordParams);
  const lockout = createLockout(deps.redis, deps.lockout);
  const signupCodes = createCodeStore(deps.redis, {
    namespace: "verify",
    key: deps.codeKey,
    policy: SIGNUP_CODE,
  });
  const resetCodes = createCodeStore(deps.redis, {
    namespace: "reset",
    key: deps.codeKey,
    policy: RESET_CODE,
  });
  const tokens = createVerificationTokens(deps.redis, VERIFICATION_TOKEN_TTL_SECONDS);

  await app.register(cookie);
  await app.register(authPlugin, { verifier: deps.verifier, isRevoked: revocations.isRevoked });

  app.get(users.usersOperations.jwks.path, { schema: { hide: true } }, async (_req, reply) =>
    reply.header("cache-control", "public, max-age=300").send(deps.jwks),
  );
  await app.register(verificationRoutes, {
    verification: createVerificationService({ db: deps.db, codes: signupCodes, tokens, now }),
  });
  await app.register(accountsRoutes, { accounts: createAccountsService({ db: deps.db, passwords, tokens }) });
  await app.register(authRoutes, {
    auth: createAuthService({
      db: deps.db,
      passwords,
      signer: deps.signer,
      revocations,
      lockout,
      refreshTtlDays: deps.refreshTtlDays,
      now,
    }),
    verifier: deps.verifier,
    cookie: { secure: deps.cookieSecure },
  });
  await app.register(passwordsRoutes, {
    passwords: createPasswordsService({ db: deps.db, passwords, resetCodes, revocations, lockout, now }),
  });
  await app.register(adminRoutes, { admin: createAdminService({ db: deps.db, revocations }) });
  const demo = deps.demoBank ?? { enabled: false, openingBalance: 0 };
  await app.register(bankAccountRoutes, {
    bankAccount: createBankAccountService({ db: deps.db, bank: deps.bank ?? unconfiguredBankClient(), demo }),
    demoEnabled: demo.enabled,
  });
  return app;
}
export type UsersApp = Awaited<ReturnType<typeof buildApp>>;
