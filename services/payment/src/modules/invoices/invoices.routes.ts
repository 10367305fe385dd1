import { type payment, routeSchema } from "@arte/contracts";
import { paymentOperations as ops } from "@arte/contracts/payment.js";
import { caller } from "@arte/platform";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Refunds } from "../refunds/refunds.service.js";
import { toRefund } from "./invoices.mapper.js";
import type { Invoices } from "./invoices.service.js";

type Op = (typeof ops)[keyof typeof ops];
type Id = { id: string };

/** HTTP adapter only: a buyer's purchases and receipts; the admin's invoices, retries, offers, refunds. */
export const invoicesRoutes: FastifyPluginAsyncZod<{ invoices: Invoices; refunds: Refunds }> = async (
  app,
  { invoices, refunds },
) => {
  const schema = (op: Op) => ({ ...routeSchema(op), tags: ["payment"] });
  const admin = app.requireRole("ADMIN");

  app.route({
    method: ops.myPurchases.method,
    url: ops.myPurchases.path,
    schema: schema(ops.myPurchases),
    onRequest: app.authenticate,
    handler: async (req) =>
      invoices.myPurchases(caller(req).sub, req.query as typeof payment.MyPurchasesQuery._output),
  });
  app.route({
    method: ops.myInvoice.method,
    url: ops.myInvoice.path,
    schema: schema(ops.myInvoice),
    onRequest: app.authenticate,
    handler: async (req) => invoices.myInvoice(caller(req).sub, (req.params as Id).id),
  });
  app.route({
    method: ops.myInvoiceReceipt.method,
    url: ops.myInvoiceReceipt.path,
    schema: schema(ops.myInvoiceReceipt),
    onRequest: app.authenticate,
    handler: async (req, reply) => {
      const { lang } = req.query as { lang: "ko" | "en" };
      const html = await invoices.myReceipt(caller(req).sub, (req.params as Id).id, lang);
      return reply
        .type("text/html; charset=utf-8")
        .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store")
        .send(html);
    },
  });
  app.route({
    method: ops.adminListInvoices.method,
    url: ops.adminListInvoices.path,
    schema: schema(ops.adminListInvoices),
    onRequest: admin,
    handler: async (req) => invoices.adminList(req.query as payment.AdminInvoiceListQuery),
  });
  app.route({
    method: ops.adminGetInvoice.method,
    url: ops.adminGetInvoice.path,
    schema: schema(ops.adminGetInvoice),
    onRequest: admin,
    handler: async (req) => invoices.adminGet((req.params as Id).id),
  });
  app.route({
    method: ops.adminRetryInvoice.method,
    url: ops.adminRetryInvoice.path,
    schema: schema(ops.adminRetryInvoice),
    onRequest: admin,
    handler: async (req) => invoices.retry((req.params as Id).id),
  });
  app.route({
    method: ops.adminOfferRunnerUp.method,
    url: ops.adminOfferRunnerUp.path,
    schema: schema(ops.adminOfferRunnerUp),
    onRequest: admin,
    handler: async (req, reply) =>
      reply.code(201).send(await invoices.offerRunnerUp((req.params as Id).id, caller(req).sub)),
  });
  app.route({
    method: ops.adminRefundInvoice.method,
    url: ops.adminRefundInvoice.path,
    schema: schema(ops.adminRefundInvoice),
    onRequest: admin,
    handler: async (req, reply) => {
      const key = (req.headers as Record<string, string>)["idempotency-key"] as string;
      const row = await refunds.refund(
        (req.params as Id).id,
        caller(req).sub,
        req.body as payment.RefundBody,
        key,
      );
      return reply.code(row.status === "COMPLETED" ? 201 : 202).send(toRefund(row));
    },
  });
  app.route({
    method: ops.adminDailyTotals.method,
    url: ops.adminDailyTotals.path,
    schema: schema(ops.adminDailyTotals),
    onRequest: admin,
    handler: async (req) => invoices.dailyTotals(req.query as typeof payment.DailyTotalsQuery._output),
  });
};
