import type { bank } from "@arte/contracts";

/**
 * Which services may call which bank RPC (ADR 0006). A request must be signed by a caller in
 * `RPC_CALLERS` *and* be listed here for the RPC; anything else is answered UNAUTHENTICATED.
 *
 * - users: opens accounts (demo), links them (verify_ownership), tops up, shows balance and statement,
 *   refuses unlinking while holds are open (list_holds).
 * - auction: holds the leading bid's funds and releases the outbid ones.
 * - payment: settles a sold lot (capture to HOUSE, release the rest), refunds (transfer).
 */
export const BANK_RPC_ALLOW: Record<(typeof bank.bankRpcs)[number]["name"], readonly string[]> = {
  "bank.open_account": ["users"],
  "bank.verify_ownership": ["users"],
  "bank.deposit": ["users"],
  "bank.withdraw": ["users"],
  "bank.get_balance": ["users", "auction", "payment"],
  "bank.statement": ["users"],
  "bank.list_holds": ["users", "auction", "payment"],
  "bank.hold": ["auction"],
  "bank.release": ["auction", "payment"],
  "bank.capture": ["payment"],
  "bank.transfer": ["payment"],
};

/** Every RPC has an allow list (a test checks it): a new RPC cannot go out unguarded by omission. */
export const allowFor = (name: string, table: Record<string, readonly string[]> = BANK_RPC_ALLOW) => [
  ...(table[name] ?? []),
];
