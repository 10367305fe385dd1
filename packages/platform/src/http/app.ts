import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { clientErrorHandler, errorHandlerPlugin, frameworkErrorHandler } from "./error-handler.js";

/**
 * A readiness check. A `required: false` one is reported but does not make the process unready (the
 * answer is then 200 "degraded"): e.g. the gateway's view of one upstream service — taking every
 * gateway out of rotation because one service is down would turn a partial outage into a whole one.
 */
export type ReadinessCheck = { name: string; check: () => Promise<unknown>; required?: boolean };

export type HttpAppOptions = {
  service: string;
  instance: string;
  logger: Logger;
  metrics?: Metrics;
  readiness?: ReadinessCheck[];
  bodyLimit?: number;
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A Fastify app with the platform's defaults: zod type provider, request ids taken from the gateway's
 * `x-request-id` (or minted), the one error handler, /healthz, /readyz and /metrics. It never listens:
 * `main.ts` does, and tests use `inject()`.
 */
export function createHttpApp(opts: HttpAppOptions) {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    genReqId: (req) => {
      const h = req.headers["x-request-id"];
      return typeof h === "string" && REQUEST_ID.test(h) ? h : `req-${randomUUID()}`;
    },
    return503OnClosing: true,
    forceCloseConnections: "idle",
    routerOptions: { maxParamLength: 200 },
    // Refusals before any route runs answer in the one error shape too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    trustProxy: "127.0.0.1",
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.register(errorHandlerPlugin);
  app.addHook("onSend", async (req, reply, payload) => {
    reply.header("x-request-id", req.id);
    return payload;
  });

  if (opts.metrics) {
    const m = opts.metrics;
    app.addHook("onResponse", async (req, reply) => {
      const route = req.routeOptions.url ?? "unmatched";
      m.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
      m.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });
    app.get("/metrics", { schema: { hide: true } }, async (_req, reply) =>
      reply.type(m.registry.contentType).send(await m.registry.metrics()),
    );
  }

  app.get("/healthz", { schema: { hide: true }, logLevel: "warn" }, async () => ({
    status: "ok",
    service: opts.service,
    instance: opts.instance,
  }));
  app.get("/readyz", { schema: { hide: true }, logLevel: "warn" }, async (_req, reply) => {
    const checks: Record<string, { ok: boolean; detail?: string; required?: false }> = {};
    await Promise.all(
      (opts.readiness ?? []).map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          checks[c.name] = { ok: true };
        } catch (err) {
          checks[c.name] = {
            ok: false,
            detail: String((err as Error)?.message ?? err).slice(0, 200),
            ...(c.required === false ? { required: false as const } : {}),
          };
        }
      }),
    );
    const failed = Object.values(checks).filter((c) => !c.ok);
    const ready = failed.every((c) => c.required === false);
    const status = failed.length === 0 ? "ok" : ready ? "degraded" : "down";
    return reply
      .code(ready ? 200 : 503)
      .send({ status, service: opts.service, instance: opts.instance, checks });
  });
  return app;
}
export type HttpApp = ReturnType<typeof createHttpApp>;
export type AnyFastify = FastifyInstance;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
