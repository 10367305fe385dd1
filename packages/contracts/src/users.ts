import { z } from "zod";
import { AccountNumber, Balance, Pin, StatementEntry } from "./bank.js";
import { Locale, Role } from "./common.js";
import { defineEvent, type StreamSpec } from "./events.js";
import { IdempotencyHeaders, Won } from "./money.js";

// ---------------------------------------------------------------------------------------------
// Field rules. Shared by the server (validation) and the web app (forms).
// ---------------------------------------------------------------------------------------------

/** Email addresses are trimmed and lower-cased; the local part and domain are checked by zod. */
export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((s) => s.toLowerCase());

/**
 * Password policy: 10–128 characters, at least one letter and one digit, no control characters.
 * Length beats composition rules (NIST 800-63B); the letter+digit rule stops "1111111111".
 */
export const Password = z
  .string()
  .min(10, "at least 10 characters")
  .max(128, "at most 128 characters")
  .refine((s) => /\p{L}/u.test(s) && /\p{N}/u.test(s), "needs a letter and a digit")
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "no control characters");

/** A real calendar date `YYYY-MM-DD` (2023-02-31 is refused), not in the future, not before 1900. */
export const BirthDate = z.iso.date().refine((s) => {
  // Runs even when the format check failed (zod 4 checks do not abort), so guard the parse.
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return false;
  return d.toISOString().slice(0, 10) === s && d.getUTCFullYear() >= 1900 && d.getTime() <= Date.now();
}, "not a real past date");

/** Korean mobile numbers: 010/011/016/017/018/019, with or without dashes; stored as 010-1234-5678. */
export const KoreanMobile = z
  .string()
  .trim()
  .regex(/^01[016789]-?\d{3,4}-?\d{4}$/, "a Korean mobile number like 010-1234-5678")
  .transform((s) => {
    const d = s.replaceAll("-", "");
    return d.length === 10
      ? `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`
      : `${d.slice(0, 3)}-${d.slice(3, 7)}-${d.slice(7)}`;
  });

/** The original app's values: 남 (male), 녀 (female); we add "X" for people who prefer not to say. */
export const Gender = z.enum(["남", "녀", "X"]);

/** Printable text without control characters, trimmed, non-empty. */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "no control characters");

export const Postcode = z
  .string()
  .trim()
  .regex(/^\d{5}$/, "a 5-digit postcode");
export const VerificationCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, "a 6-digit code");

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export const RequestEmailCodeBody = z.strictObject({ email: Email, locale: Locale.optional() });
export const EmailCodeRequested = z.object({
  message: z.string(),
  expiresInSeconds: z.number().int(),
  resendAfterSeconds: z.number().int(),
});

export const ConfirmEmailCodeBody = z.strictObject({ email: Email, code: VerificationCode });
export const EmailVerified = z.object({ verificationToken: z.string(), expiresAt: z.iso.datetime() });

export const SignUpBody = z.strictObject({
  email: Email,
  password: Password,
  username: Text(50),
  birth: BirthDate,
  gender: Gender,
  phoneNumber: KoreanMobile,
  postcode: Postcode,
  address: Text(200),
  addressDetail: Text(200).optional(),
  locale: Locale.default("ko"),
  verificationToken: z.string().min(16).max(200),
});
export type SignUpBody = z.infer<typeof SignUpBody>;

export const UserStatus = z.enum(["ACTIVE", "SUSPENDED"]);

/** What a user sees of themselves. */
export const Me = z.object({
  id: z.uuid(),
  email: z.string(),
  username: z.string(),
  birth: z.string(),
  gender: Gender,
  phoneNumber: z.string(),
  postcode: z.string(),
  address: z.string(),
  addressDetail: z.string().nullable(),
  locale: Locale,
  role: Role,
  status: UserStatus,
  emailVerified: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Me = z.infer<typeof Me>;

/** What an admin sees of a user. */
export const AdminUser = Me.extend({
  suspendedAt: z.iso.datetime().nullable(),
  suspendedReason: z.string().nullable(),
  lastLoginAt: z.iso.datetime().nullable(),
});

export const UpdateMeBody = z
  .strictObject({
    username: Text(50),
    phoneNumber: KoreanMobile,
    postcode: Postcode,
    address: Text(200),
    addressDetail: Text(200).nullable(),
    locale: Locale,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "nothing to update");

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: Password,
});

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(128) });
export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int(),
  user: z.object({ id: z.uuid(), username: z.string(), role: Role, locale: Locale }),
});

export const ForgotPasswordBody = z.strictObject({ email: Email, locale: Locale.optional() });
export const ResetPasswordBody = z.strictObject({
  email: Email,
  code: VerificationCode,
  newPassword: Password,
});

export const AdminUserListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  status: UserStatus.optional(),
  role: Role.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});
export const SuspendBody = z.strictObject({ reason: Text(500) });

/** The refresh-token cookie; scoped to the auth routes. */
export const REFRESH_COOKIE = "refresh_token";
export const REFRESH_COOKIE_PATH = "/api/users/v1/auth";

// ---- my bank account (the user service keeps the link; the bank keeps the money) ----

export const LinkBankAccountBody = z.strictObject({ accountNumber: AccountNumber, pin: Pin });
export const OpenDemoAccountBody = z.strictObject({ pin: Pin });
export const TopUpBody = z.strictObject({ amount: Won });
export const MyBankAccount = Balance.omit({ kind: true }).extend({ linkedAt: z.iso.datetime() });
export const StatementQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

// ---------------------------------------------------------------------------------------------
// Errors: code → status
// ---------------------------------------------------------------------------------------------

export const UserErrors = {
  EMAIL_ALREADY_REGISTERED: 409,
  CODE_RESEND_TOO_SOON: 429,
  CODE_NOT_FOUND_OR_EXPIRED: 400,
  CODE_INCORRECT: 400,
  CODE_ATTEMPTS_EXCEEDED: 429,
  VERIFICATION_INVALID: 400,
  INVALID_CREDENTIALS: 401,
  LOGIN_LOCKED: 429,
  ACCOUNT_SUSPENDED: 403,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  PASSWORD_INCORRECT: 400,
  PASSWORD_SAME_AS_OLD: 400,
  USER_NOT_FOUND: 404,
  RESET_CODE_INVALID: 400,
  CANNOT_SUSPEND_SELF: 409,
  BANK_ACCOUNT_ALREADY_LINKED: 409,
  ACCOUNT_LINKED_TO_ANOTHER_USER: 409,
  NO_LINKED_ACCOUNT: 404,
  HOLDS_OPEN: 409,
  DEMO_DISABLED: 404,
  PIN_INCORRECT: 401,
  ACCOUNT_LOCKED: 423,
  BANK_UNAVAILABLE: 503,
} as const;
export type UserErrorCode = keyof typeof UserErrors;

// ---------------------------------------------------------------------------------------------
// Events (stream USER, subjects user.>)
// ---------------------------------------------------------------------------------------------

export const USER_STREAM: StreamSpec = { name: "USER", subjects: ["user.>"], maxAgeDays: 7 };

export const UserRegisteredV1 = defineEvent(
  "user.account.registered.v1",
  z.object({ userId: z.uuid(), email: z.string(), username: z.string(), locale: Locale }),
);

/**
 * Carries the plain code so the notification service can mail it; the user service keeps only a hash.
 * Codes live 5 minutes and the USER stream keeps events for days, so an old event is worthless.
 */
export const EmailCodeRequestedV1 = defineEvent(
  "user.email_code.requested.v1",
  z.object({ email: z.string(), code: z.string(), locale: Locale, expiresAt: z.iso.datetime() }),
);

export const PasswordResetRequestedV1 = defineEvent(
  "user.password_reset.requested.v1",
  z.object({
    userId: z.uuid(),
    email: z.string(),
    username: z.string(),
    locale: Locale,
    code: z.string(),
    expiresAt: z.iso.datetime(),
  }),
);

export const UserSuspendedV1 = defineEvent(
  "user.account.suspended.v1",
  z.object({ userId: z.uuid(), reason: z.string(), suspended: z.boolean() }),
);

/** A user linked a bank account (by number and PIN, or by opening a demo account). */
export const BankAccountLinkedV1 = defineEvent(
  "user.bank_account.linked.v1",
  z.object({ userId: z.uuid(), accountId: z.uuid(), accountNumber: z.string(), demo: z.boolean() }),
);

/** A user unlinked their bank account (only possible with no open holds). */
export const BankAccountUnlinkedV1 = defineEvent(
  "user.bank_account.unlinked.v1",
  z.object({ userId: z.uuid(), accountId: z.uuid() }),
);

export const userEvents = [
  UserRegisteredV1,
  EmailCodeRequestedV1,
  PasswordResetRequestedV1,
  UserSuspendedV1,
  BankAccountLinkedV1,
  BankAccountUnlinkedV1,
] as const;

// ---------------------------------------------------------------------------------------------
// Operations (public path = /api/users + path)
// ---------------------------------------------------------------------------------------------

import { Ack, IdParams, page } from "./common.js";
import { defineOperations } from "./http.js";

export const usersOperations = defineOperations({
  requestEmailCode: {
    id: "requestEmailCode",
    method: "POST",
    path: "/v1/email-verifications",
    access: "public",
    rate: "email",
    summary: "Email a 6-digit sign-up code (valid 5 minutes; one per 60 s)",
    body: RequestEmailCodeBody,
    responses: { 202: EmailCodeRequested },
  },
  confirmEmailCode: {
    id: "confirmEmailCode",
    method: "POST",
    path: "/v1/email-verifications/confirm",
    access: "public",
    rate: "auth",
    summary: "Confirm the code; returns the proof that sign-up requires",
    body: ConfirmEmailCodeBody,
    responses: { 200: EmailVerified },
  },
  signUp: {
    id: "signUp",
    method: "POST",
    path: "/v1/users",
    access: "public",
    rate: "auth",
    summary: "Create an account (needs a verification token)",
    body: SignUpBody,
    responses: { 201: Me },
  },
  login: {
    id: "login",
    method: "POST",
    path: "/v1/auth/login",
    access: "public",
    rate: "auth",
    summary: "Sign in: an access token, and a refresh token in an httpOnly cookie",
    body: LoginBody,
    responses: { 200: TokenResponse },
  },
  refresh: {
    id: "refresh",
    method: "POST",
    path: "/v1/auth/refresh",
    access: "public",
    rate: "auth",
    summary: "Rotate the refresh cookie and get a new access token",
    responses: { 200: TokenResponse },
  },
  logout: {
    id: "logout",
    method: "POST",
    path: "/v1/auth/logout",
    access: "public",
    summary: "End this session (refresh cookie and access token)",
    responses: { 204: null },
  },
  logoutAll: {
    id: "logoutAll",
    method: "POST",
    path: "/v1/auth/logout-all",
    access: "user",
    summary: "End every session of mine",
    responses: { 204: null },
  },
  jwks: {
    id: "jwks",
    method: "GET",
    path: "/.well-known/jwks.json",
    access: "public",
    summary: "Public keys that verify access tokens",
    responses: { 200: null },
  },
  getMe: {
    id: "getMe",
    method: "GET",
    path: "/v1/me",
    access: "user",
    summary: "My profile",
    responses: { 200: Me },
  },
  updateMe: {
    id: "updateMe",
    method: "PATCH",
    path: "/v1/me",
    access: "user",
    summary: "Update my profile",
    body: UpdateMeBody,
    responses: { 200: Me },
  },
  changePassword: {
    id: "changePassword",
    method: "POST",
    path: "/v1/me/password",
    access: "user",
    rate: "auth",
    summary: "Change my password (ends my other sessions)",
    body: ChangePasswordBody,
    responses: { 204: null },
  },
  forgotPassword: {
    id: "forgotPassword",
    method: "POST",
    path: "/v1/password-resets",
    access: "public",
    rate: "email",
    summary: "Email a reset code if the account exists (the answer is the same either way)",
    body: ForgotPasswordBody,
    responses: { 202: Ack },
  },
  resetPassword: {
    id: "resetPassword",
    method: "POST",
    path: "/v1/password-resets/confirm",
    access: "public",
    rate: "auth",
    summary: "Set a new password with the emailed code (ends every session)",
    body: ResetPasswordBody,
    responses: { 204: null },
  },
  adminListUsers: {
    id: "adminListUsers",
    method: "GET",
    path: "/v1/admin/users",
    access: "admin",
    summary: "List and search users",
    query: AdminUserListQuery,
    responses: { 200: page(AdminUser) },
  },
  adminGetUser: {
    id: "adminGetUser",
    method: "GET",
    path: "/v1/admin/users/:id",
    access: "admin",
    summary: "One user",
    params: IdParams,
    responses: { 200: AdminUser },
  },
  adminSuspendUser: {
    id: "adminSuspendUser",
    method: "POST",
    path: "/v1/admin/users/:id/suspend",
    access: "admin",
    summary: "Suspend a user (ends their sessions; they cannot sign in)",
    params: IdParams,
    body: SuspendBody,
    responses: { 200: AdminUser },
  },
  adminUnsuspendUser: {
    id: "adminUnsuspendUser",
    method: "POST",
    path: "/v1/admin/users/:id/unsuspend",
    access: "admin",
    summary: "Lift a suspension",
    params: IdParams,
    responses: { 200: AdminUser },
  },
  getMyBankAccount: {
    id: "getMyBankAccount",
    method: "GET",
    path: "/v1/me/bank-account",
    access: "user",
    summary: "My linked bank account: balance, held and available",
    responses: { 200: MyBankAccount },
  },
  linkBankAccount: {
    id: "linkBankAccount",
    method: "POST",
    path: "/v1/me/bank-account",
    access: "user",
    rate: "auth",
    summary: "Link my bank account by number and PIN (5 wrong PINs lock it)",
    body: LinkBankAccountBody,
    responses: { 201: MyBankAccount },
  },
  unlinkBankAccount: {
    id: "unlinkBankAccount",
    method: "DELETE",
    path: "/v1/me/bank-account",
    access: "user",
    summary: "Unlink my bank account (refused while holds are open)",
    responses: { 204: null },
  },
  openDemoBankAccount: {
    id: "openDemoBankAccount",
    method: "POST",
    path: "/v1/me/bank-account/demo",
    access: "user",
    rate: "auth",
    summary: "Demo and dev only: open a funded bank account and link it",
    body: OpenDemoAccountBody,
    headers: IdempotencyHeaders,
    responses: { 201: MyBankAccount },
  },
  topUpBankAccount: {
    id: "topUpBankAccount",
    method: "POST",
    path: "/v1/me/bank-account/top-up",
    access: "user",
    summary: "Demo and dev only: add money to my linked account",
    body: TopUpBody,
    headers: IdempotencyHeaders,
    responses: { 200: MyBankAccount },
  },
  myBankStatement: {
    id: "myBankStatement",
    method: "GET",
    path: "/v1/me/bank-account/statement",
    access: "user",
    summary: "My bank account's statement, newest first",
    query: StatementQuery,
    responses: { 200: page(StatementEntry) },
  },
});
