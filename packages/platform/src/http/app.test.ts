import { connect } from "node:net";
import { Problem } from "@arte/contracts";
import { testLogger } from "@arte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fail } from "../errors.js";
import { createMetrics } from "../metrics.js";
import { createHttpApp, type HttpApp } from "./app.js";

let app: HttpApp;
let dbUp = true;

beforeAll(async () => {
  app = createHttpApp({
    service: "ptest",
    instance: "i1",
    logger: testLogger(),
    metrics: createMetrics("ptest", "i1"),
    bodyLimit: 1024,
    readiness: [
      { name: "postgres", check: async () => (dbUp ? 1 : Promise.reject(new Error("connection refused"))) },
    ],
  });
  app.post(
    "/v1/things",
    { schema: { body: z.object({ name: z.string().min(2), n: z.number().int() }) } },
    async (req, reply) => reply.code(201).send({ name: req.body.name }),
  );
  app.get(
    "/v1/things/:id",
    {
      schema: {
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ limit: z.coerce.number().max(10) }),
      },
    },
    async () => ({ ok: true }),
  );
  app.get("/v1/conflict", async () => {
    throw fail("CONFLICT", "Lot already sold", { lotId: "l1" });
  });
  app.get("/v1/pg/:code", async (req) => {
    // What pg throws: a DatabaseError with the SQLSTATE in `code`.
    throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: (req.params as { code: string }).code,
    });
  });
  app.get("/v1/pg-lost/:n", async (req) => {
    // What node-postgres throws for a query on a connection that died under it (no SQLSTATE).
    throw new Error(
      (req.params as { n: string }).n === "1"
        ? "Connection terminated unexpectedly"
        : "Client has encountered a connection error and is not queryable",
    );
  });
  app.get("/v1/boom", async () => {
    throw new Error("connect ECONNREFUSED 10.0.0.7:5432 password=hunter2");
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

const post = (payload: string, contentType = "application/json") =>
  app.inject({ method: "POST", url: "/v1/things", payload, headers: { "content-type": contentType } });

/** Every error body has the one shape. */
function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  const body = Problem.parse(res.json());
  expect(body).toMatchObject({ status, code, error: { code } });
  expect(body.type).toMatch(/^https:\/\//);
  expect(body.title).toBeTruthy();
  expect(body.requestId).toBe(res.headers["x-request-id"]);
  return body;
}

describe("createHttpApp + error handler", () => {
  it("answers invalid input 400 VALIDATION_FAILED with errors[] naming the fields", async () => {
    const res = await post(JSON.stringify({ name: "x", n: 1.5 }));
    const body = expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors?.map((e) => e.path).sort()).toEqual(["body.n", "body.name"]);
    for (const e of body.errors ?? []) expect(e.message).toBeTruthy();
  });

  it("validates params and querystring too", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/things/not-a-uuid?limit=99" });
    const body = expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors?.map((e) => e.path)).toContain("params.id");
  });

  it("answers malformed JSON 400 MALFORMED_JSON", async () => {
    expectProblem(await post("{ not json"), 400, "MALFORMED_JSON");
  });

  it("answers a body over the limit 413 PAYLOAD_TOO_LARGE", async () => {
    expectProblem(await post(JSON.stringify({ name: "x".repeat(2000), n: 1 })), 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers an unsupported content type 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    expectProblem(
      await post("name=xx&n=1", "application/x-www-form-urlencoded"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("answers an AppError with its status, code, message and details", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/conflict" });
    const body = expectProblem(res, 409, "CONFLICT");
    expect(body.error).toEqual({ code: "CONFLICT", message: "Lot already sold", details: { lotId: "l1" } });
  });

  it("answers an unexpected error 500 INTERNAL with a generic message and nothing of the error", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/boom" });
    const body = expectProblem(res, 500, "INTERNAL");
    expect(body.error.message).toBe("Something went wrong");
    expect(res.body).not.toMatch(/hunter2|ECONNREFUSED|10\.0\.0\.7/);
  });

  it("answers a URL that does not decode, and a path parameter over 200 characters, 400 in the one shape", async () => {
    expectProblem(await app.inject({ method: "GET", url: "/v1/things/%ED%A0%80" }), 400, "VALIDATION_FAILED");
    const long = await app.inject({ method: "GET", url: `/v1/things/${"a".repeat(300)}` });
    expectProblem(long, 400, "VALIDATION_FAILED");
  });

  it("answers text Postgres cannot store (NUL) 400, and a database out of connections 503", async () => {
    const nul = expectProblem(
      await app.inject({ method: "GET", url: "/v1/pg/22021" }),
      400,
      "VALIDATION_FAILED",
    );
    expect(nul.error.message).not.toMatch(/UTF8/);
    const busy = await app.inject({ method: "GET", url: "/v1/pg/53300" });
    expectProblem(busy, 503, "SERVICE_UNAVAILABLE");
    expect(busy.headers["retry-after"]).toBe("1");
  });

  it("answers a database connection lost under the request (restart, failover, killed backend) 503, not 500", async () => {
    for (const url of [
      "/v1/pg/57P01",
      "/v1/pg/08006",
      "/v1/pg/ECONNRESET",
      "/v1/pg/ECONNREFUSED",
      "/v1/pg-lost/1",
      "/v1/pg-lost/2",
    ]) {
      const res = await app.inject({ method: "GET", url });
      expectProblem(res, 503, "SERVICE_UNAVAILABLE");
      expect(res.headers["retry-after"]).toBe("1");
    }
  });

  it("answers a request the HTTP parser refuses (headers too large, garbage) in the one shape", async () => {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(address).port);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => socket.end(request));
        let text = "";
        socket.on("data", (d) => {
          text += d;
        });
        socket.on("close", () => resolve(text));
        socket.on("error", reject);
      });
    for (const [request, status] of [
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      ['{"a": 1,}\r\n\r\n', 400],
    ] as const) {
      const text = await raw(request);
      expect(text.split("\r\n")[0]).toBe(
        `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : "Bad Request"}`,
      );
      expect(text).toMatch(/content-type: application\/problem\+json/i);
      const body = Problem.parse(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)));
      expect(body).toMatchObject({ status, code: "VALIDATION_FAILED" });
      expect(text).toContain(`x-request-id: ${body.requestId}`);
    }
  });

  it("answers an unknown route 404 NOT_FOUND", async () => {
    expectProblem(await app.inject({ method: "GET", url: "/v1/nope?x=1" }), 404, "NOT_FOUND");
  });

  it("echoes a well-formed x-request-id and mints one otherwise", async () => {
    const given = await app.inject({
      method: "GET",
      url: "/v1/conflict",
      headers: { "x-request-id": "gw-123" },
    });
    expect(given.headers["x-request-id"]).toBe("gw-123");
    expect(given.json().requestId).toBe("gw-123");
    const ok = await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "gw-456" } });
    expect(ok.headers["x-request-id"]).toBe("gw-456");
    const bad = await app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "a b\u0000<script>" },
    });
    expect(bad.headers["x-request-id"]).toMatch(/^req-[0-9a-f-]{36}$/);
  });

  it("serves /healthz, and /readyz 503 while a required check fails", async () => {
    expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({
      status: "ok",
      service: "ptest",
      instance: "i1",
    });
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    dbUp = false;
    try {
      const down = await app.inject({ method: "GET", url: "/readyz" });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({
        status: "down",
        checks: { postgres: { ok: false, detail: "connection refused" } },
      });
    } finally {
      dbUp = true;
    }
  });

  it("stays ready, as degraded, while only a check marked not required fails", async () => {
    const other = createHttpApp({
      service: "ptest",
      instance: "i2",
      logger: testLogger(),
      readiness: [
        { name: "redis", check: async () => "PONG" },
        { name: "upstream:x", check: () => Promise.reject(new Error("ECONNREFUSED")), required: false },
      ],
    });
    try {
      const res = await other.inject({ method: "GET", url: "/readyz" });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: "degraded",
        checks: { redis: { ok: true }, "upstream:x": { ok: false, required: false, detail: "ECONNREFUSED" } },
      });
    } finally {
      await other.close();
    }
  });

  it("exposes http_requests_total on /metrics, by route template and status", async () => {
    await app.inject({ method: "GET", url: "/v1/conflict" });
    const res = await app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/http_requests_total\{[^}]*route="\/v1\/conflict"[^}]*status="409"/);
    expect(res.body).toMatch(/http_requests_total\{[^}]*route="unmatched"/);
  });
});
