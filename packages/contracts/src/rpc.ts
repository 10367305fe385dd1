import { z } from "zod";

/**
 * A request/reply operation on NATS. The subject is `rpc.<name>` (behind the deployment prefix);
 * the callee serves it on a queue group named after its service, so instances share the load and a
 * dead instance simply stops answering.
 */
export const defineRpc = <const N extends string, Req extends z.ZodType, Res extends z.ZodType>(
  name: N,
  request: Req,
  response: Res,
) => ({ name, subject: `rpc.${name}` as const, request, response });

export type RpcSpec = ReturnType<typeof defineRpc<string, z.ZodType, z.ZodType>>;

/** What travels back on the wire: the result, or an error with a stable code. */
export const RpcReply = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string(),
      status: z.number().int(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  }),
]);
export type RpcReply = z.infer<typeof RpcReply>;
