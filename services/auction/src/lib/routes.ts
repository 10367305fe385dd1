import type { Operation } from "@arte/contracts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * The onRequest guard an operation's declared access needs (the gateway checks it too). Public routes
 * still read a token when one is sent, so a signed-in caller sees their own standing.
 */
export function guardFor(app: FastifyInstance, op: Operation): Hook[] {
  if (op.access === "user") return [app.authenticate];
  if (op.access === "admin") return [app.requireRole("ADMIN")];
  return [app.authenticateOptional];
}
