import { bank } from "@arte/contracts";
import { type Bus, callRpc, type RpcCredentials } from "@arte/platform";
import type { z } from "zod";

export type BankHold = z.output<typeof bank.Hold>;

/** The bank operations payment needs, as signed NATS requests (ADR 0006). */
export type BankClient = {
  capture(
    req: z.input<typeof bank.CaptureHold.request>,
    correlationId?: string,
  ): Promise<z.output<typeof bank.CaptureHold.response>>;
  release(req: z.input<typeof bank.ReleaseHold.request>, correlationId?: string): Promise<BankHold>;
  transfer(
    req: z.input<typeof bank.Transfer.request>,
    correlationId?: string,
  ): Promise<z.output<typeof bank.Transfer.response>>;
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
    callRpc(opts.bus, spec, req, {
      timeoutMs: opts.timeoutMs ?? 5000,
      correlationId,
      credentials: opts.credentials,
    }) as Promise<z.output<S["response"]>>;
  return {
    capture: (req, correlationId) => call(bank.CaptureHold, req, correlationId),
    release: (req, correlationId) => call(bank.ReleaseHold, req, correlationId),
    transfer: (req, correlationId) => call(bank.Transfer, req, correlationId),
    listHolds: async (req) => (await call(bank.ListHolds, req)).items,
  };
}
