import { bank } from "@arte/contracts";
import { type Bus, callRpc, type RpcCredentials } from "@arte/platform";
import type { z } from "zod";

export type BankHold = z.output<typeof bank.Hold>;

/** The bank operations the auction needs, as signed NATS requests (ADR 0006). */
export type BankClient = {
  hold(req: z.input<typeof bank.PlaceHold.request>, correlationId?: string): Promise<BankHold>;
  release(req: z.input<typeof bank.ReleaseHold.request>, correlationId?: string): Promise<BankHold>;
  listHolds(req: z.input<typeof bank.ListHolds.request>): Promise<BankHold[]>;
};

export function createBankClient(opts: {
  bus: Bus;
  credentials: RpcCredentials | undefined;
  timeoutMs?: number;
}): BankClient {
  const call = <S extends (typeof bank.bankRpcs)[number]>(
    spec: S,
    req: z.input<S["request"]>,
    correlationId?: string,
  ) =>
    callRpc(bus, spec, req, {
      timeoutMs: opts.timeoutMs ?? 3000,
      correlationId,
      credentials: opts.credentials,
    }) as Promise<z.output<S["response"]>>;
  const bus = opts.bus;
  return {
    hold: (req, correlationId) => call(bank.PlaceHold, req, correlationId),
    release: (req, correlationId) => call(bank.ReleaseHold, req, correlationId),
    listHolds: async (req) => (await call(bank.ListHolds, req)).items,
  };
}
