import { bank, type RpcSpec } from "@arte/contracts";
import { type Bus, type Logger, serveRpc } from "@arte/platform";
import type { Subscription } from "@nats-io/transport-node";
import type { z } from "zod";
import type { BankContext, BankService } from "../ledger/ledger.service.js";
import { allowFor, BANK_RPC_ALLOW } from "./callers.js";

export type BankRpcDeps = {
  bus: Bus;
  log: Logger;
  bank: BankService;
  /** caller service → its secret (`RPC_CALLERS`) */
  callers: Record<string, string>;
  /** per-RPC allow lists; defaults to {@link BANK_RPC_ALLOW} */
  allow?: Record<string, readonly string[]>;
  /** queue group (default "bank") */
  queue?: string;
};

export type BankRpcServer = { stop(): Promise<void> };

/**
 * Serves every RPC of `bankRpcs` on queue group "bank", each behind the signed-caller guard with its
 * allow list. `stop()` unsubscribes (drains) and waits for the handlers still running.
 */
export function startBankRpc(deps: BankRpcDeps): BankRpcServer {
  const inflight = new Set<Promise<unknown>>();
  const subs: Subscription[] = [];
  const table = deps.allow ?? BANK_RPC_ALLOW;

  function serve<S extends RpcSpec>(
    spec: S,
    fn: (req: z.infer<S["request"]>, ctx: BankContext) => Promise<z.input<S["response"]>>,
  ) {
    subs.push(
      serveRpc(
        deps.bus,
        spec,
        {
          queue: deps.queue ?? "bank",
          log: deps.log,
          guard: { callers: deps.callers, allow: allowFor(spec.name, table) },
        },
        (req, ctx) => {
          const p = fn(req, { caller: ctx.caller, correlationId: ctx.correlationId });
          inflight.add(p);
          return p.finally(() => inflight.delete(p));
        },
      ),
    );
  }

  const b = deps.bank;
  serve(bank.OpenAccount, (r, c) => b.openAccount(r, c));
  serve(bank.Deposit, (r, c) => b.deposit(r, c));
  serve(bank.Withdraw, (r, c) => b.withdraw(r, c));
  serve(bank.GetBalance, (r) => b.getBalance(r));
  serve(bank.VerifyOwnership, (r) => b.verifyOwnership(r));
  serve(bank.PlaceHold, (r, c) => b.placeHold(r, c));
  serve(bank.ReleaseHold, (r, c) => b.releaseHold(r, c));
  serve(bank.CaptureHold, (r, c) => b.captureHold(r, c));
  serve(bank.Transfer, (r, c) => b.transfer(r, c));
  serve(bank.Statement, (r) => b.statement(r));
  serve(bank.ListHolds, (r) => b.listHolds(r));
  if (subs.length !== bank.bankRpcs.length) throw new Error("every bank RPC must be served");

  return {
    async stop() {
      await Promise.all(subs.map((s) => s.drain().catch(() => s.unsubscribe())));
      await Promise.allSettled([...inflight]);
    },
  };
}
