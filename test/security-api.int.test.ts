/**
 * Security checks of the whole HTTP API, on the system `npm start` runs (issue G, point 7):
 *
 * 1. Ownership: what `/me` answers is the caller's only, and one user's notification or invoice is a
 *    404 for another.
 * 2. The authorisation matrix: every operation of SERVICE_OPERATIONS, called through the gateway as
 *    anonymous, a user, another user and an admin with minimal valid-looking input, answers the class
 *    of status its access allows, never a 5xx, and every error in the one problem+json shape.
 * 3. A seeded fuzz of every operation of /api/openapi.json with invalid input (see
 *    test/lib/fuzz.ts): no 5xx, no success, the one error shape, and no row changed in any service.
 *
 * One launcher for the three (starting it is most of this file's time).
 */
import { randomUUID } from "node:crypto";
import { catalog, type Operation, SERVICE_OPERATIONS } from "@arte/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleFor, publicPath } from "./lib/examples.js";
import { type FuzzCase, fuzzCase, type OpenApiOperation, rng } from "./lib/fuzz.js";
import { AUTH_REFUSALS, codeOf, problemShapeIssue, table } from "./lib/problem.js";
import {
  type Caller,
  type HttpResult,
  LAUNCHED_SERVICES,
  type System,
  settledFingerprint,
  startSystem,
} from "./lib/system.js";

let system: System;
let ana: Caller;
let ben: Caller;
let admin: Caller;

beforeAll(async () => {
  system = await startSystem("security");
  [ana, ben] = [await system.signUp("ana"), await system.signUp("ben")];
  admin = await system.adminCaller();
}, 180_000);

afterAll(async () => {
  await system?.stop();
}, 60_000);

type Who = "anonymous" | "user" | "other user" | "admin";
const callerOf = (who: Who): Caller | null =>
  who === "anonymous" ? null : who === "user" ? ana : who === "other user" ? ben : admin;

const catalogOps = catalog.catalogOperations;
const ALL_OPERATIONS = Object.entries(SERVICE_OPERATIONS).flatMap(([service, ops]) =>
  Object.values(ops).map((op) => ({ service, op, key: `${service}.${op.id}` })),
);

/**
 * 401/403 answers that are a domain's, not an authorisation refusal (each documented in its context's
 * error table): a wrong password, a missing refresh cookie, a wrong bank PIN.
 */
const DOMAIN_REFUSALS: Record<string, string[]> = {
  "users.login": ["INVALID_CREDENTIALS"],
  "users.refresh": ["REFRESH_TOKEN_INVALID"],
  "users.linkBankAccount": ["PIN_INCORRECT"],
};

/**
 * A 503 with Retry-After: the documented "unavailable, try again" (the database out of connection
 * slots, the bank's RPC timing out on a loaded machine). Retried as a client would; still a 503 after
 * three tries is a failure.
 */
const isBusy = (res: HttpResult) => res.status === 503 && res.headers.get("retry-after") !== null;

async function call(service: string, op: Operation, who: Who, input = exampleFor(service, op)) {
  const caller = callerOf(who);
  const path = publicPath(service, op, input.params, input.query);
  const multipart = op.contentType?.startsWith("multipart/");
  const send = async () =>
    system.request(op.method, path, {
      token: caller ? await system.tokenFor(caller) : undefined,
      headers: input.headers,
      ...(multipart
        ? { body: "--x--\r\n", contentType: "multipart/form-data; boundary=x" }
        : input.body !== undefined
          ? { json: input.body }
          : {}),
    });
  let res = await send();
  for (let attempt = 0; attempt < 3 && isBusy(res); attempt++) {
    await new Promise((ok) => setTimeout(ok, 1000));
    res = await send();
  }
  return res;
}

describe("what /me answers is the caller's", () => {
  let anaNotification: string;
  let anaArtwork: string;

  beforeAll(async () => {
    // An artwork of our own (the launcher seeds no demo catalogue for these tests).
    const adminToken = await system.tokenFor(admin);
    const artist = await system.request("POST", "/api/catalog/v1/admin/artists", {
      token: adminToken,
      json: exampleFor("catalog", catalogOps.adminCreateArtist).body,
    });
    expect(artist.status, artist.text).toBe(201);
    const artwork = await system.request("POST", "/api/catalog/v1/admin/artworks", {
      token: adminToken,
      json: {
        ...(exampleFor("catalog", catalogOps.adminCreateArtwork).body as object),
        artistId: (artist.json as { id: string }).id,
      },
    });
    expect(artwork.status, artwork.text).toBe(201);
    anaArtwork = (artwork.json as { id: string }).id;
    const token = await system.tokenFor(ana);
    expect(
      (await system.request("PUT", `/api/catalog/v1/me/watchlist/${anaArtwork}`, { token })).status,
    ).toBe(200);
    const demo = await system.request("POST", "/api/users/v1/me/bank-account/demo", {
      token,
      json: { pin: "2580" },
      headers: { "idempotency-key": randomUUID() },
    });
    expect(demo.status).toBe(201);
    anaNotification = randomUUID();
    await system.sql(
      `insert into notification.notification (id, user_id, kind, title_ko, source_id) values ($1, $2, 'outbid', '무제', $3)`,
      [anaNotification, ana.userId, randomUUID()],
    );
  });

  it("answers every GET /me route of a user with their data and none of another's", async () => {
    const meRoutes = ALL_OPERATIONS.filter(
      ({ service, op }) =>
        op.access === "user" &&
        op.method === "GET" &&
        /\/me(\/|$)/.test(op.path) &&
        !op.path.includes(":") &&
        LAUNCHED_SERVICES.has(service),
    );
    expect(meRoutes.length).toBeGreaterThan(5);
    const leaks: Record<string, unknown>[] = [];
    for (const { service, op, key } of meRoutes) {
      const [asAna, asBen] = [await call(service, op, "user"), await call(service, op, "other user")];
      for (const [who, res, other] of [
        ["ana", asAna, ana],
        ["ben", asBen, ben],
      ] as const) {
        const mine = other === ana ? ben : ana;
        expect(res.status, `${key} as ${who}: ${res.text}`).toBeLessThan(500);
        for (const secret of [mine.userId, mine.email]) {
          if (res.text.includes(secret)) leaks.push({ op: key, caller: who, contains: secret });
        }
      }
      for (const secret of [anaNotification, anaArtwork]) {
        if (asBen.text.includes(secret)) leaks.push({ op: key, caller: "ben", contains: secret });
      }
    }
    expect(leaks, `responses that carry another user's data:\n${table(leaks)}`).toEqual([]);
    // and the seeded data is really there for its owner
    const anaToken = await system.tokenFor(ana);
    const list = await system.request("GET", "/api/notification/v1/me/notifications", { token: anaToken });
    expect(list.text).toContain(anaNotification);
    const watch = await system.request("GET", "/api/catalog/v1/me/watchlist", { token: anaToken });
    expect(watch.text).toContain(anaArtwork);
    const me = await system.request("GET", "/api/users/v1/me", { token: await system.tokenFor(ben) });
    expect((me.json as { id: string }).id).toBe(ben.userId);
  });

  /**
   * User routes with an id under /me: either the id is of something the caller owns (another user's
   * is a 404, checked below), or it names something public (listed here, with why).
   */
  const NOT_OWNED: Record<string, string> = {
    "catalog.watchArtwork": "the id is a public artwork's",
    "catalog.unwatchArtwork": "the id is a public artwork's",
    "auction.placeBid": "the id is a public lot's",
  };
  const OWNED: Record<string, { service: string; seed: () => Promise<string> }> = {
    "notification.markNotificationRead": { service: "notification", seed: async () => anaNotification },
    "payment.myInvoice": { service: "payment", seed: () => seedInvoice(ana.userId) },
    "payment.myInvoiceReceipt": { service: "payment", seed: () => seedInvoice(ana.userId) },
  };

  it("classifies every user route with an id as owned or public", () => {
    const unclassified = ALL_OPERATIONS.filter(
      ({ op, key }) =>
        op.access === "user" && op.path.includes(":") && !(key in OWNED) && !(key in NOT_OWNED),
    ).map(({ key, op }) => ({ op: key, path: op.path }));
    expect(unclassified, `add each to OWNED or NOT_OWNED:\n${table(unclassified)}`).toEqual([]);
  });

  for (const [key, owned] of Object.entries(OWNED)) {
    it.skipIf(!LAUNCHED_SERVICES.has(owned.service))(
      `${key}: another user's id is a 404, the owner's is not`,
      async () => {
        const op = Object.values(SERVICE_OPERATIONS[owned.service]!).find(
          (o) => `${owned.service}.${o.id}` === key,
        )!;
        const id = await owned.seed();
        const input = exampleFor(owned.service, op);
        for (const name of Object.keys(input.params)) input.params[name] = id;
        const asBen = await call(owned.service, op, "other user", input);
        expect(asBen.status, asBen.text).toBe(404);
        expect(asBen.text).not.toContain(ana.userId);
        const asAna = await call(owned.service, op, "user", input);
        expect(asAna.status, asAna.text).toBe(200);
      },
    );
  }
});

/** An invoice of the user's, paid (so no settlement job touches it), written as the payment service would. */
async function seedInvoice(userId: string): Promise<string> {
  const id = randomUUID();
  await system.sql(
    `insert into payment.invoice (id, number, lot_id, artwork_id, buyer_user_id, seller_account_id,
       hammer, premium, premium_bps, total, status, paid_at, capture_transfer_id, source_event_id)
     values ($1, $2, $3, $4, $5, $6, 100000, 15000, 1500, 115000, 'PAID', now(), $7, $8)`,
    [id, `T-${id.slice(0, 8)}`, randomUUID(), randomUUID(), userId, randomUUID(), randomUUID(), randomUUID()],
  );
  return id;
}

describe("the authorisation matrix", () => {
  it("answers every operation, for every kind of caller, with the class of status its access allows", async () => {
    const rows: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    const whos: Who[] = ["anonymous", "user", "other user", "admin"];
    const problems = ALL_OPERATIONS.filter(({ service, op }) => exampleFor(service, op).problem).map(
      ({ key, service, op }) => ({ op: key, problem: exampleFor(service, op).problem }),
    );
    expect(problems, `no valid input could be made:\n${table(problems)}`).toEqual([]);

    // Operations in parallel (a few at a time); the callers of one operation one after another.
    const queue = [...ALL_OPERATIONS];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { service, op, key } = next;
          for (const who of whos) {
            const res = await call(service, op, who);
            const code = codeOf(res);
            const launched = LAUNCHED_SERVICES.has(service);
            const refused = res.status === 401 || res.status === 403;
            const authRefusal = refused && (AUTH_REFUSALS.has(code) || !DOMAIN_REFUSALS[key]?.includes(code));
            let expected: string;
            let ok: boolean;
            const signedIn = who !== "anonymous";
            if (op.access === "public" || (op.access === "user" && signedIn) || who === "admin") {
              expected = "not 401/403";
              ok = !authRefusal;
            } else if (!signedIn) {
              expected = "401 UNAUTHENTICATED";
              ok = res.status === 401 && code === "UNAUTHENTICATED";
            } else {
              expected = "403 FORBIDDEN";
              ok = res.status === 403 && code === "FORBIDDEN";
            }
            // A service the launcher does not run: past the access check, the gateway has no instance.
            const notLaunched = !launched && res.status === 503 && code === "SERVICE_UNAVAILABLE";
            if (res.status >= 500 && !notLaunched) ok = false;
            const shape = problemShapeIssue(res);
            if (shape) ok = false;
            const row = {
              op: key,
              access: op.access,
              caller: who,
              status: res.status,
              code,
              expected: notLaunched ? `${expected} (not launched)` : expected,
              shape: shape ?? "",
              ok: ok ? "ok" : "FAIL",
            };
            rows.push(row);
            if (!ok) failures.push({ ...row, body: res.text.slice(0, 160) });
          }
        }
      }),
    );
    expect(rows).toHaveLength(ALL_OPERATIONS.length * whos.length);
    if (process.env.SECURITY_VERBOSE) console.log(table(rows));
    expect(failures, `authorisation matrix failures:\n${table(failures)}`).toEqual([]);
    const skipped = [
      ...new Set(rows.filter((r) => String(r.expected).includes("not launched")).map((r) => r.op)),
    ];
    if (skipped.length)
      console.warn(
        `security: ${skipped.length} operation(s) of services the launcher does not run were checked at the gateway only: ${skipped.join(", ")}`,
      );
  }, 120_000);
});

describe("a fuzz of every operation of the OpenAPI document", () => {
  const SEED = Number(process.env.SECURITY_FUZZ_SEED ?? 20_240_607);
  const CASES_PER_OPERATION = Number(process.env.SECURITY_FUZZ_CASES ?? 60);
  const TIME_BUDGET_MS = Number(process.env.SECURITY_FUZZ_MS ?? 30_000);
  const CONCURRENCY = 8;

  it("documents every operation of the contracts, and nothing else", async () => {
    const doc = (await system.request("GET", "/api/openapi.json")).json as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    const documented = Object.values(doc.paths)
      .flatMap((p) => Object.values(p).map((o) => o.operationId))
      .filter((id) => id !== "gateway.time")
      .sort();
    expect(documented).toEqual(ALL_OPERATIONS.map((o) => o.key).sort());
  });

  it("answers thousands of bad requests with a 4xx problem+json, never a 5xx, and changes nothing", async () => {
    const doc = (await system.request("GET", "/api/openapi.json")).json as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    const byKey = new Map(ALL_OPERATIONS.map((o) => [o.key, o]));
    const r = rng(SEED);
    const cases: FuzzCase[] = [];
    const notLaunched = new Set<string>();
    for (const methods of Object.values(doc.paths)) {
      for (const openapi of Object.values(methods)) {
        const entry = byKey.get(openapi.operationId);
        if (!entry) continue; // gateway.time
        if (!LAUNCHED_SERVICES.has(entry.service)) {
          notLaunched.add(entry.key);
          continue;
        }
        for (let i = 0; i < CASES_PER_OPERATION; i++) {
          const c = fuzzCase(r, { service: entry.service, op: entry.op, openapi, admin: r.chance(0.7) });
          // Only requests the contract refuses may go to routes that write.
          if (c.invalid || c.method === "GET") cases.push(c);
        }
      }
    }
    if (notLaunched.size)
      console.warn(`security fuzz: not launched, not fuzzed: ${[...notLaunched].join(", ")}`);

    const before = await settledFingerprint(system);
    const failures: Record<string, unknown>[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    let busy = 0;
    const deadline = Date.now() + TIME_BUDGET_MS;
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let c = queue.shift(); c && Date.now() < deadline; c = queue.shift()) {
          const headers = { ...c.headers };
          if (c.admin) headers.authorization = `Bearer ${await system.tokenFor(admin)}`;
          let res: HttpResult | null = null;
          // Once more on a fresh connection when a kept-alive one was closed under us (a server
          // closes the connection after refusing a request it could not parse).
          for (let attempt = 0; attempt < 2 && !res; attempt++) {
            try {
              res = await system.raw(c.method, c.url, headers, c.body);
            } catch (err) {
              if (attempt === 1 || !/socket hang up|ECONNRESET/.test(String(err)))
                failures.push({
                  op: c.opKey,
                  what: c.what,
                  status: "no answer",
                  code: String(err).slice(0, 80),
                });
            }
          }
          if (!res) continue;
          // "Unavailable, try again" (see isBusy) is retried as a client would, after its Retry-After.
          for (let attempt = 0; attempt < 3 && isBusy(res); attempt++) {
            busy++;
            await new Promise((ok) => setTimeout(ok, 1000));
            res = await system.raw(c.method, c.url, headers, c.body);
          }
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const shape = problemShapeIssue(res);
          const wrong =
            res.status >= 500
              ? "5xx"
              : c.invalid && res.status < 400
                ? "accepted input the contract refuses"
                : shape
                  ? `shape: ${shape}`
                  : null;
          if (wrong)
            failures.push({
              op: c.opKey,
              admin: c.admin,
              what: c.what,
              status: res.status,
              code: codeOf(res),
              wrong,
              url: c.url.slice(0, 80),
              body: res.text.slice(0, 120),
            });
        }
      }),
    );
    const after = await settledFingerprint(system);
    const changed = Object.keys({ ...before, ...after })
      .filter((t) => before[t] !== after[t])
      .map((t) => ({ table: t, before: before[t], after: after[t] }));
    const summary = `seed ${SEED}: ${sent} requests of ${cases.length} cases (${busy} retried after a 503); statuses ${JSON.stringify(Object.fromEntries(statuses))}`;
    if (process.env.SECURITY_VERBOSE) console.log(summary);
    // One line per (operation, kind of failure, status, code), with its count and a first example.
    const grouped = new Map<string, Record<string, unknown>>();
    for (const f of failures) {
      const k = `${f.op}|${f.wrong}|${f.status}|${f.code}`;
      const g = grouped.get(k);
      if (g) g.n = Number(g.n) + 1;
      else grouped.set(k, { n: 1, ...f });
    }
    expect(failures, `${summary}\n${table([...grouped.values()].slice(0, 80))}`).toEqual([]);
    expect(changed, `${summary}\nrow counts changed by the fuzz:\n${table(changed)}`).toEqual([]);
    expect(sent, summary).toBeGreaterThanOrEqual(Math.min(cases.length, 1000));
  }, 150_000);
});
