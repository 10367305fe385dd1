import { RpcReply, type RpcSpec } from "@arte/contracts";
import { headers as natsHeaders, type Subscription } from "@nats-io/transport-node";
import type { z } from "zod";
import { AppError, fail } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Bus } from "./bus.js";
import { type RpcCredentials, type RpcGuard, signRequest, verifyRequest } from "./rpc-auth.js";

const enc = new TextEncoder();

/**
 * Serves one RPC on the service's queue group. The handler's AppErrors go back with their code; a
 * request that breaks the contract is answered VALIDATION_FAILED; anything else is logged and answered
 * INTERNAL. A caller's correlation id arrives in the `Correlation-Id` header.
 */
export function serveRpc<S extends RpcSpec>(
  bus: Bus,
  spec: S,
  opts: { queue: string; log: Logger; guard?: RpcGuard },
  handler: (
    req: z.infer<S["request"]>,
    ctx: { correlationId?: string | undefined; log: Logger; caller: string | null },
  ) => Promise<z.input<S["response"]>>,
): Subscription {
  const sub = bus.nc.subscribe(bus.subject(spec.subject), {
    queue: opts.queue,
    callback: (err, msg) => {
      if (err) return;
      void answer(msg);
    },
  });
  return sub;

  async function answer(msg: import("@nats-io/transport-node").Msg) {
    const correlationId = msg.headers?.get("Correlation-Id") || undefined;
    const log = opts.log.child({ rpc: spec.name, reqId: correlationId });
    let reply: RpcReply;
    let caller: string | null = null;
    try {
      if (opts.guard) {
        caller = verifyRequest(msg.headers, opts.guard, msg.subject, msg.data);
        // An unknown, unsigned, stale or forged caller learns nothing but that it is refused.
        if (!caller) throw new AppError("UNAUTHENTICATED", 401, "caller not authenticated");
      }
      let body: unknown;
      try {
        body = msg.json();
      } catch {
        throw fail("VALIDATION_FAILED", "request is not JSON");
      }
      const parsed = spec.request.safeParse(body);
      if (!parsed.success) {
        throw fail(
          "VALIDATION_FAILED",
          "request does not match the contract",
          parsed.error.issues.slice(0, 10),
        );
      }
      const result = spec.response.parse(
        await handler(parsed.data as z.infer<S["request"]>, { correlationId, log, caller }),
      );
      reply = { ok: true, result };
    } catch (e) {
      if (e instanceof AppError) {
        reply = {
          ok: false,
          error: { code: e.code, status: e.status, message: e.message, details: e.details },
        };
      } else {
        log.error({ err: e }, "rpc handler failed");
        reply = { ok: false, error: { code: "INTERNAL", status: 500, message: "Something went wrong" } };
      }
    }
    msg.respond(enc.encode(JSON.stringify(reply)));
  }
}

/**
 * Calls an RPC and returns its result, or throws the callee's AppError. No responder or a timeout
 * becomes 503 SERVICE_UNAVAILABLE: the caller decides whether to retry (with the same idempotency key).
 */
export async function callRpc<S extends RpcSpec>(
  bus: Bus,
  spec: S,
  request: z.input<S["request"]>,
  opts: {
    timeoutMs?: number;
    correlationId?: string | undefined;
    credentials?: RpcCredentials | undefined;
  } = {},
): Promise<z.infer<S["response"]>> {
  const h = natsHeaders();
  if (opts.correlationId) h.set("Correlation-Id", opts.correlationId);
  const subject = bus.subject(spec.subject);
  const body = enc.encode(JSON.stringify(request));
  if (opts.credentials) signRequest(h, opts.credentials, subject, body);
  let raw: unknown;
  try {
    const msg = await bus.nc.request(subject, body, {
      timeout: opts.timeoutMs ?? 3000,
      headers: h,
    });
    raw = msg.json();
  } catch (err) {
    throw fail("SERVICE_UNAVAILABLE", `${spec.name} did not answer`, {
      cause: String((err as Error)?.message ?? err),
    });
  }
  const reply = RpcReply.parse(raw);
  if (!reply.ok)
    throw new AppError(reply.error.code, reply.error.status, reply.error.message, reply.error.details);
  return spec.response.parse(reply.result) as z.infer<S["response"]>;
}
