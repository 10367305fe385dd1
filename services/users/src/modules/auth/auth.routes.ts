import { routeSchema, users } from "@arte/contracts";
import { AppError, bearer, caller, type TokenVerifier } from "@arte/platform";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { guardFor } from "../../lib/routes.js";
import type { AuthService, Session } from "./auth.service.js";

const ops = users.usersOperations;

export type CookieOptions = { secure: boolean };

export const authRoutes: FastifyPluginAsyncZod<{
  auth: AuthService;
  verifier: TokenVerifier;
  cookie: CookieOptions;
}> = async (app, { auth, verifier, cookie }) => {
  const base = {
    httpOnly: true,
    secure: cookie.secure,
    sameSite: "strict" as const,
    path: users.REFRESH_COOKIE_PATH,
  };
  const send = (reply: FastifyReply, s: Session) => {
    reply.setCookie(users.REFRESH_COOKIE, s.refreshToken, { ...base, expires: s.refreshExpiresAt });
    reply.header("cache-control", "no-store");
    return reply.send({
      accessToken: s.accessToken,
      tokenType: s.tokenType,
      expiresIn: s.expiresIn,
      user: s.user,
    });
  };
  const clear = (reply: FastifyReply) => reply.clearCookie(users.REFRESH_COOKIE, base);

  app.route({
    method: ops.login.method,
    url: ops.login.path,
    schema: routeSchema(ops.login),
    onRequest: guardFor(app, ops.login),
    handler: async (req, reply) => {
      const body = req.body as z.output<typeof users.LoginBody>;
      return send(reply, await auth.login({ ...body, ip: req.ip }));
    },
  });
  app.route({
    method: ops.refresh.method,
    url: ops.refresh.path,
    schema: routeSchema(ops.refresh),
    onRequest: guardFor(app, ops.refresh),
    // A refused refresh cookie is dead: tell the browser to drop it.
    onError: async (_req, reply, err) => {
      if (err instanceof AppError && err.status === 401) clear(reply);
    },
    handler: async (req, reply) => send(reply, await auth.refresh(req.cookies[users.REFRESH_COOKIE])),
  });
  app.route({
    method: ops.logout.method,
    url: ops.logout.path,
    schema: routeSchema(ops.logout),
    onRequest: guardFor(app, ops.logout),
    handler: async (req, reply) => {
      // Public and idempotent: a missing, expired or bad access token just names no session.
      const token = bearer(req.headers.authorization);
      const sid = token
        ? await verifier.verify(token).then(
            (t) => t.sid,
            () => undefined,
          )
        : undefined;
      await auth.logout({ refreshToken: req.cookies[users.REFRESH_COOKIE], sid });
      clear(reply);
      return reply.code(204).send();
    },
  });
  app.route({
    method: ops.logoutAll.method,
    url: ops.logoutAll.path,
    schema: routeSchema(ops.logoutAll),
    onRequest: guardFor(app, ops.logoutAll),
    handler: async (req, reply) => {
      const me = caller(req);
      await auth.logoutAll(me.sub, me.sid);
      clear(reply);
      return reply.code(204).send();
    },
  });
};
