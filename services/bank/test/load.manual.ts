/**
 * A quick load check against a running bank (not a test, not the platform benchmark):
 *   RPC_SECRET=… NATS_PREFIX=… npx tsx services/bank/test/load.manual.ts [seconds] [concurrency]
 * Signs as users/auction/payment with the one secret given. Reports ops/s and latency percentiles of
 * hold → release pairs on many accounts, and of holds on one hot account.
 */
import { randomUUID } from "node:crypto";
import { bank, HOUSE_ACCOUNT_ID } from "@arte/contracts";
import { callRpc, connectBus, createLogger } from "@arte/platform";

const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 32);
const secret = process.env.RPC_SECRET ?? "";
const bus = await connectBus({
  url: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
  name: "bank-load",
  prefix: process.env.NATS_PREFIX ?? "",
  log: createLogger({ service: "load", instance: "1", level: "warn" }),
});
const as = (service: string) => ({ credentials: { service, secret }, timeoutMs: 10_000 });

async function phase(name: string, accounts: string[], op: (acct: string) => Promise<void>) {
  const lat: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          await op(accounts[w % accounts.length]!);
          lat.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  lat.sort((a, b) => a - b);
  const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]?.toFixed(1);
  console.log(
    `${name}: ${(lat.length / seconds).toFixed(0)} ops/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, errors ${errors}`,
  );
}

const open = () =>
  callRpc(
    bus,
    bank.OpenAccount,
    { holderName: "Load", pin: "1234", openingBalance: 1e9, key: randomUUID() },
    as("users"),
  );
const many = await Promise.all(Array.from({ length: concurrency }, open));
const hot = await open();

await phase(
  "hold+release, many accounts (2 RPCs/op)",
  many.map((a) => a.accountId),
  async (accountId) => {
    const h = await callRpc(
      bus,
      bank.PlaceHold,
      { accountId, amount: 1000, reference: "load", key: randomUUID() },
      as("auction"),
    );
    await callRpc(bus, bank.ReleaseHold, { holdId: h.holdId, key: randomUUID() }, as("auction"));
  },
);
await phase("hold, one hot account", [hot.accountId], async (accountId) => {
  await callRpc(
    bus,
    bank.PlaceHold,
    { accountId, amount: 1, reference: "hot", key: randomUUID() },
    as("auction"),
  );
});
await phase(
  "hold+capture to HOUSE (hot row), many accounts",
  many.map((a) => a.accountId),
  async (accountId) => {
    const h = await callRpc(
      bus,
      bank.PlaceHold,
      { accountId, amount: 10, reference: "cap", key: randomUUID() },
      as("auction"),
    );
    await callRpc(
      bus,
      bank.CaptureHold,
      { holdId: h.holdId, payeeAccountId: HOUSE_ACCOUNT_ID, amount: 7, key: randomUUID() },
      as("payment"),
    );
  },
);
await phase(
  "deposit (CASH hot row), many accounts",
  many.map((a) => a.accountId),
  async (accountId) => {
    await callRpc(bus, bank.Deposit, { accountId, amount: 5, key: randomUUID() }, as("users"));
  },
);
await bus.close();
