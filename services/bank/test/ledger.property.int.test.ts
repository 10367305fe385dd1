import { randomUUID } from "node:crypto";
import { bank, HOUSE_ACCOUNT_ID, type RpcSpec } from "@arte/contracts";
import { AppError } from "@arte/platform";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BankContext } from "../src/modules/ledger/ledger.service.js";
import { type Bank, type Caller, PIN, startBank } from "./harness.js";

/**
 * Property: whatever mix of operations runs concurrently against the real database — including
 * replays of one key with the same and with different arguments, transactions that fail just before
 * commit, and clients that time out and retry — money is conserved, no available balance goes
 * negative (but CASH's), every hold ends at most once with at most one capture transfer, every
 * account's balance is exactly the sum of the operations that were answered "ok", and a replay
 * answers the first answer and changes nothing.
 */

const failOnce = new Set<string>();
let h: Bank;
beforeAll(async () => {
  h = await startBank({
    beforeCommit: async (_op, trx, key) => {
      if (!failOnce.delete(key)) return;
      // Half the time a statement that errors inside the transaction, half the time a plain throw.
      if (key.charCodeAt(key.length - 1) % 2) await sql`select 1 / 0`.execute(trx);
      else throw new Error("injected failure before commit");
    },
  });
});
afterAll(async () => {
  await h?.close();
});

type Mode = "normal" | "dupSame" | "dupDiff" | "fault" | "timeout";
type OpSpec =
  | { t: "deposit" | "withdraw"; acct: number; amount: number }
  | { t: "hold"; acct: number; amount: number }
  | { t: "release"; hold: number }
  | { t: "capture"; hold: number; payee: number; pct: number }
  | { t: "transfer"; from: number; to: number; amount: number };

const N_CUSTOMERS = 3;
const amount = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 20_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20_001, max: 200_000 }) }, // usually more than available
);
const acct = fc.integer({ min: 0, max: N_CUSTOMERS - 1 });
const party = fc.integer({ min: 0, max: N_CUSTOMERS }); // N_CUSTOMERS = HOUSE
const opSpec: fc.Arbitrary<OpSpec> = fc.oneof(
  fc.record({ t: fc.constantFrom("deposit" as const, "withdraw" as const), acct, amount }),
  fc.record({ t: fc.constant("hold" as const), acct, amount }),
  fc.record({ t: fc.constant("release" as const), hold: fc.nat() }),
  fc.record({
    t: fc.constant("capture" as const),
    hold: fc.nat(),
    payee: party,
    pct: fc.integer({ min: 1, max: 180 }),
  }),
  fc.record({ t: fc.constant("transfer" as const), from: party, to: party, amount }),
);
const mode = fc.constantFrom<Mode>("normal", "normal", "normal", "dupSame", "dupDiff", "fault", "timeout");
const batches = fc.array(
  fc.array(fc.record({ op: opSpec, mode, viaRpc: fc.boolean() }), { minLength: 1, maxLength: 8 }),
  {
    minLength: 1,
    maxLength: 4,
  },
);

type Hold = { holdId: string; accountId: string; amount: number };
/** One concrete request: what to call, as whom, with which arguments. */
type Call = { spec: RpcSpec; caller: Caller; req: Record<string, unknown>; viaRpc: boolean };
type Outcome = { ok: true; result: unknown } | { ok: false; code: string };

const CTX: BankContext = { caller: "property" };

async function run(c: Call, timeoutMs = 10_000): Promise<Outcome> {
  try {
    const result = c.viaRpc
      ? await h.call(c.caller, c.spec, c.req as never, { timeoutMs })
      : await direct(c.spec.name, c.spec.request.parse(c.req) as Record<string, unknown>);
    return { ok: true, result };
  } catch (e) {
    return { ok: false, code: e instanceof AppError ? e.code : "UNEXPECTED" };
  }
}
function direct(name: string, req: Record<string, unknown>): Promise<unknown> {
  const b = h.bank;
  const r = req as never;
  switch (name) {
    case "bank.deposit":
      return b.deposit(r, CTX);
    case "bank.withdraw":
      return b.withdraw(r, CTX);
    case "bank.hold":
      return b.placeHold(r, CTX);
    case "bank.release":
      return b.releaseHold(r, CTX);
    case "bank.capture":
      return b.captureHold(r, CTX);
    case "bank.transfer":
      return b.transfer(r, CTX);
  }
  throw new Error(name);
}

/** Retries an unknown outcome (timeout, injected failure) with the same key until it is known. */
async function settle(c: Call, first: Outcome): Promise<Outcome> {
  let out = first;
  for (
    let i = 0;
    i < 5 &&
    !out.ok &&
    (out.code === "SERVICE_UNAVAILABLE" || out.code === "UNEXPECTED" || out.code === "INTERNAL");
    i++
  )
    out = await run(c);
  return out;
}

it("conserves money and never overdraws under concurrent random operations, replays and failures", async () => {
  const expected = new Map<string, { posted: number; held: number }>();
  const house = await h.bank.getBalance({ accountId: HOUSE_ACCOUNT_ID });
  expected.set(HOUSE_ACCOUNT_ID, { posted: house.posted, held: 0 });
  let runs = 0;
  /** What the runs exercised (asserted at the end, so the property cannot pass by testing nothing). */
  const seen = new Map<string, number>();
  const see = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);

  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: N_CUSTOMERS, maxLength: N_CUSTOMERS }),
      batches,
      async (opening, plan) => {
        runs++;
        const accounts: string[] = [];
        for (const o of opening) {
          const a = await h.bank.openAccount(
            { holderName: "Prop", pin: PIN, openingBalance: o, key: `open-${randomUUID()}` },
            CTX,
          );
          accounts.push(a.accountId);
          expected.set(a.accountId, { posted: o, held: 0 });
        }
        const parties = [...accounts, HOUSE_ACCOUNT_ID];
        const holds: Hold[] = [];
        const succeeded: { call: Call; result: unknown }[] = [];
        const bump = (id: string, dPosted: number, dHeld: number) => {
          const e = expected.get(id)!;
          e.posted += dPosted;
          e.held += dHeld;
        };

        for (const batch of plan) {
          const poolAtStart = [...holds];
          const work = batch.map(async ({ op, mode, viaRpc }) => {
            const k = `p-${randomUUID()}`;
            let call: Call;
            let hold: Hold | undefined;
            switch (op.t) {
              case "deposit":
              case "withdraw":
                call = {
                  spec: op.t === "deposit" ? bank.Deposit : bank.Withdraw,
                  caller: "users",
                  viaRpc,
                  req: { accountId: accounts[op.acct], amount: op.amount, key: k },
                };
                break;
              case "hold":
                call = {
                  spec: bank.PlaceHold,
                  caller: "auction",
                  viaRpc,
                  req: { accountId: accounts[op.acct], amount: op.amount, reference: "lot", key: k },
                };
                break;
              case "release":
                hold = poolAtStart[op.hold % Math.max(1, poolAtStart.length)];
                if (!hold) return;
                call = {
                  spec: bank.ReleaseHold,
                  caller: "auction",
                  viaRpc,
                  req: { holdId: hold.holdId, key: k },
                };
                break;
              case "capture":
                hold = poolAtStart[op.hold % Math.max(1, poolAtStart.length)];
                if (!hold) return;
                call = {
                  spec: bank.CaptureHold,
                  caller: "payment",
                  viaRpc,
                  req: {
                    holdId: hold.holdId,
                    payeeAccountId: parties[op.payee],
                    amount: Math.max(1, Math.floor((hold.amount * op.pct) / 100)),
                    key: k,
                  },
                };
                break;
              case "transfer":
                call = {
                  spec: bank.Transfer,
                  caller: "payment",
                  viaRpc,
                  req: {
                    fromAccountId: parties[op.from],
                    toAccountId: parties[op.to],
                    amount: op.amount,
                    reference: "t",
                    key: k,
                  },
                };
                break;
            }
            const variants: Call[] = [call];
            if (mode === "dupSame") variants.push(call);
            if (mode === "dupDiff") {
              const field = "amount" in call.req ? "amount" : null;
              if (field)
                variants.push({ ...call, req: { ...call.req, amount: (call.req.amount as number) + 1 } });
            }
            if (mode === "fault") failOnce.add(k);
            const timeout = mode === "timeout" ? { ...call, viaRpc: true } : null;
            const outcomes = await Promise.all(
              (timeout ? [timeout] : variants).map(async (v) => {
                const firstTry = await run(v, timeout ? 1 : 10_000);
                see(`${mode}:${firstTry.ok ? "ok" : firstTry.code}`);
                const final = await settle(v, firstTry);
                see(`${v.spec.name}:${final.ok ? "ok" : final.code}`);
                return final;
              }),
            );
            failOnce.delete(k);
            return { call: timeout ?? call, variants: timeout ? [timeout] : variants, outcomes, hold };
          });
          const done = (await Promise.all(work)).filter((x) => x !== undefined);

          for (const d of done) {
            const oks = d.outcomes.map((o, i) => ({ o, v: d.variants[i]! })).filter((x) => x.o.ok);
            for (const o of d.outcomes)
              if (!o.ok)
                expect(o.code, JSON.stringify(d.call.req)).not.toMatch(
                  /UNEXPECTED|INTERNAL|SERVICE_UNAVAILABLE/,
                );
            if (oks.length === 0) continue;
            // one key, one effect: every success of one key carries the same arguments and the same answer
            const first = oks[0]!;
            for (const x of oks) {
              expect(x.v.req).toEqual(first.v.req);
              expect((x.o as { result: unknown }).result).toEqual((first.o as { result: unknown }).result);
            }
            const req = first.v.req as {
              accountId: string;
              amount: number;
              payeeAccountId: string;
              fromAccountId: string;
              toAccountId: string;
            };
            const result = (first.o as { result: Record<string, unknown> }).result;
            succeeded.push({ call: first.v, result });
            switch (first.v.spec.name) {
              case "bank.deposit":
                bump(req.accountId, req.amount, 0);
                break;
              case "bank.withdraw":
                bump(req.accountId, -req.amount, 0);
                break;
              case "bank.hold":
                bump(req.accountId, 0, req.amount);
                holds.push({ holdId: result.holdId as string, accountId: req.accountId, amount: req.amount });
                break;
              case "bank.release":
                bump(d.hold!.accountId, 0, -d.hold!.amount);
                break;
              case "bank.capture":
                bump(d.hold!.accountId, -req.amount, -d.hold!.amount);
                bump(req.payeeAccountId, req.amount, 0);
                break;
              case "bank.transfer":
                bump(req.fromAccountId, -req.amount, 0);
                bump(req.toAccountId, req.amount, 0);
                break;
            }
          }

          // Every account is exactly the sum of its answered operations: no lost update, no double effect.
          for (const id of parties) {
            const b = await h.bank.getBalance({ accountId: id });
            expect({ id, posted: b.posted, held: b.held }).toEqual({ id, ...expected.get(id)! });
            expect(b.available).toBeGreaterThanOrEqual(0);
          }
          const check = await h.admin.ledgerCheck();
          expect(check, JSON.stringify(check)).toMatchObject({ ok: true, sumOfAllBalances: 0 });
        }

        // Holds: ended at most once; CAPTURED ⇔ exactly one capture transfer of the captured amount.
        const rows = await sql<{
          id: string;
          status: string;
          captured_amount: number | null;
          captures: number;
          captured_sum: number;
        }>`
        select h.id, h.status, h.captured_amount, count(t.id)::int as captures, coalesce(sum(t.amount), 0)::int8 as captured_sum
        from hold h left join transfer t on t.hold_id = h.id
        where h.account_id = any(${accounts}::uuid[])
        group by h.id`.execute(h.db);
        for (const r of rows.rows) {
          if (r.status === "CAPTURED") expect([r.captures, r.captured_sum]).toEqual([1, r.captured_amount]);
          else expect(r.captures).toBe(0);
        }
        const endings = new Map<string, number>();
        for (const s of succeeded)
          if (s.call.spec.name === "bank.release" || s.call.spec.name === "bank.capture") {
            const id = s.call.req.holdId as string;
            endings.set(id, (endings.get(id) ?? 0) + 1);
          }
        for (const n of endings.values()) expect(n).toBe(1);
        // Each hold's events: placed once, and one ending event when it ended.
        const events = await sql<{ hold_id: string; n: number }>`
        select payload->'data'->>'holdId' as hold_id, count(*)::int as n from outbox group by 1`.execute(
          h.db,
        );
        const byHold = new Map(events.rows.map((e) => [e.hold_id, e.n]));
        for (const r of rows.rows) expect(byHold.get(r.id)).toBe(r.status === "PENDING" ? 1 : 2);

        // Replays: the same key and arguments answer the first answer and change nothing; other arguments are refused.
        const sample = succeeded.slice(0, 6);
        const before = await h.snapshot();
        for (const s of sample) {
          const again = await run(s.call);
          expect(again).toEqual({ ok: true, result: s.result });
          if ("amount" in s.call.req) {
            const other = await run({
              ...s.call,
              req: { ...s.call.req, amount: (s.call.req.amount as number) + 7 },
            });
            expect(other).toEqual({ ok: false, code: "IDEMPOTENCY_KEY_REUSED" });
          }
        }
        expect(await h.snapshot()).toEqual(before);
      },
    ),
    { numRuns: 40 },
  );
  expect(runs).toBe(40);
  if (process.env.TEST_LOG_LEVEL) console.log(Object.fromEntries([...seen].sort()));
  for (const what of [
    "fault:UNEXPECTED",
    "timeout:SERVICE_UNAVAILABLE",
    "dupDiff:IDEMPOTENCY_KEY_REUSED",
    "bank.withdraw:INSUFFICIENT_FUNDS",
    "bank.hold:INSUFFICIENT_FUNDS",
    "bank.capture:CAPTURE_EXCEEDS_HOLD",
    "bank.capture:ok",
    "bank.release:ok",
    "bank.transfer:ok",
  ])
    expect(
      seen.get(what) ?? 0,
      `${what} never happened: ${JSON.stringify(Object.fromEntries(seen))}`,
    ).toBeGreaterThan(0);
}, 120_000);
