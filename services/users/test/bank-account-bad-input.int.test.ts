import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBank, type TestBank } from "./bank.js";
import { type Harness, startHarness } from "./harness.js";

/**
 * Bad input to the bank-account endpoints: a 4xx in the one error shape, never a 5xx, and nothing
 * changes — neither here (links, outbox) nor at the bank (balance, PIN attempts).
 */
let b: TestBank;
let h: Harness;
let linked: Awaited<ReturnType<Harness["session"]>>;
let fresh: Awaited<ReturnType<Harness["session"]>>;
let accountId: string;
let spare: Awaited<ReturnType<TestBank["openAccount"]>>;
beforeAll(async () => {
  b = await startTestBank();
  h = await startHarness({
    bank: { bank: b.client(), demoBank: { enabled: true, openingBalance: 10_000_000 } },
  });
  linked = await h.session();
  fresh = await h.session();
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/me/bank-account/demo",
    headers: { ...h.bearer(linked.accessToken), "idempotency-key": randomUUID() },
    payload: { pin: "1234" },
  });
  if (res.statusCode !== 201) throw new Error(`demo account: ${res.statusCode} ${res.body}`);
  accountId = res.json().accountId;
  spare = await b.openAccount({ pin: "5678" });
});
afterAll(async () => {
  await h?.close();
  await b?.close();
});

const snapshot = async () => ({
  links: await h.db.selectFrom("bank_link").selectAll().orderBy("user_id").execute(),
  outbox: (await h.db.selectFrom("outbox").select("id").execute()).length,
  mine: await b.balance(accountId),
  spare: await b.balance(spare.accountId),
});

type Req = {
  method: "GET" | "POST" | "DELETE";
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
};

async function expectRefused(req: Req, as = fresh, status = 400, code = "VALIDATION_FAILED") {
  const before = await snapshot();
  const headers = { ...h.bearer(as.accessToken), ...req.headers };
  const res = await h.app.inject({
    method: req.method,
    url: req.url,
    ...(req.payload === undefined
      ? { headers }
      : typeof req.payload === "string"
        ? { payload: req.payload, headers: { "content-type": "application/json", ...headers } }
        : { payload: req.payload as object, headers }),
  });
  const label = `${req.method} ${req.url} ${JSON.stringify(req.payload)} ${JSON.stringify(req.headers)}: ${res.body}`;
  expect(res.statusCode, label).toBe(status);
  expect(res.headers["content-type"], label).toContain("application/problem+json");
  const body = res.json();
  expect(body, label).toMatchObject({ status, code, requestId: expect.any(String), error: { code } });
  expect(await snapshot(), label).toEqual(before);
  return body;
}

const LINK = "/v1/me/bank-account";
const DEMO = "/v1/me/bank-account/demo";
const TOP_UP = "/v1/me/bank-account/top-up";
const key = () => ({ "idempotency-key": randomUUID() });

const badNumbers: unknown[] = [
  "1002123456789",
  "1002-123-45678",
  "1002-123-4567890",
  "1002-1234-56789",
  "abcd-123-456789",
  "1002-12a-456789",
  "１００２-１２３-４５６７８９",
  "1002-123-456789; drop table bank_link",
  "",
  "   ",
  1002123456789,
  null,
  ["1002-123-456789"],
  { n: "1002-123-456789" },
];
const badPins: unknown[] = ["12a4", "abcd", "123", "1234567", "", " 1234", "١٢٣٤", "12.4", 1234, null, true];
const badAmounts: string[] = [
  "-1",
  "0",
  "1.5",
  '"1000"',
  "1000000000000001",
  "1e18",
  "1e300",
  "9007199254740993",
  "null",
  "true",
  "{}",
  "[]",
];
const badKeys: (string | undefined)[] = [
  undefined,
  "",
  "short",
  "has space 123",
  "ключ-12345678",
  "k".repeat(101),
];

describe("link: bad account numbers and PINs", () => {
  it.each(badNumbers.map((n) => [JSON.stringify(n), n]))("account number %s", async (_l, accountNumber) => {
    await expectRefused({ method: "POST", url: LINK, payload: { accountNumber, pin: spare.pin } });
  });

  it.each(badPins.map((p) => [JSON.stringify(p), p]))("PIN %s", async (_l, pin) => {
    await expectRefused({ method: "POST", url: LINK, payload: { accountNumber: spare.number, pin } });
  });

  it("missing fields, extra fields, malformed JSON, no body", async () => {
    await expectRefused({ method: "POST", url: LINK, payload: { accountNumber: spare.number } });
    await expectRefused({ method: "POST", url: LINK, payload: { pin: spare.pin } });
    await expectRefused({
      method: "POST",
      url: LINK,
      payload: { accountNumber: spare.number, pin: spare.pin, userId: linked.id },
    });
    await expectRefused(
      { method: "POST", url: LINK, payload: '{"accountNumber":' },
      fresh,
      400,
      "MALFORMED_JSON",
    );
    await expectRefused({ method: "POST", url: LINK, payload: "null" });
    await expectRefused({ method: "POST", url: LINK, payload: "[]" });
  });

  it("none of it reached the bank: four wrong PINs later the spare account is still not locked", async () => {
    const attempt = (pin: string) =>
      h.app.inject({
        method: "POST",
        url: LINK,
        headers: h.bearer(fresh.accessToken),
        payload: { accountNumber: spare.number, pin },
      });
    // The bank answers the fifth wrong PIN with 423 ACCOUNT_LOCKED: had any refused request above
    // counted as a wrong PIN, one of these four would already be 423.
    for (let i = 0; i < 4; i++) expect((await attempt("0000")).statusCode).toBe(401);
  });
});

describe("demo and top-up: bad PINs, amounts and Idempotency-Keys", () => {
  it.each(badPins.map((p) => [JSON.stringify(p), p]))("demo PIN %s", async (_l, pin) => {
    await expectRefused({ method: "POST", url: DEMO, payload: { pin }, headers: key() });
  });

  it.each(badAmounts)("top-up amount %s", async (amount) => {
    await expectRefused(
      { method: "POST", url: TOP_UP, payload: `{"amount":${amount}}`, headers: key() },
      linked,
    );
  });

  it("top-up: missing amount, extra fields", async () => {
    await expectRefused({ method: "POST", url: TOP_UP, payload: {}, headers: key() }, linked);
    await expectRefused(
      { method: "POST", url: TOP_UP, payload: { amount: 1000, accountId }, headers: key() },
      linked,
    );
  });

  it.each(badKeys.map((k) => [JSON.stringify(k), k]))("Idempotency-Key %s", async (_l, k) => {
    const headers: Record<string, string> = k === undefined ? {} : { "idempotency-key": k };
    await expectRefused({ method: "POST", url: DEMO, payload: { pin: "1234" }, headers });
    await expectRefused({ method: "POST", url: TOP_UP, payload: { amount: 1000 }, headers }, linked);
  });
});

describe("statement: bad queries", () => {
  it.each(["limit=0", "limit=101", "limit=abc", "limit=1.5", `cursor=${"c".repeat(201)}`, "userId=x"])(
    "?%s",
    async (q) => {
      await expectRefused({ method: "GET", url: `/v1/me/bank-account/statement?${q}` }, linked);
    },
  );
});

describe("no token", () => {
  it.each([
    ["GET", LINK],
    ["POST", LINK],
    ["DELETE", LINK],
    ["GET", "/v1/me/bank-account/statement"],
    ["POST", DEMO],
    ["POST", TOP_UP],
  ] as const)("%s %s is 401", async (method, url) => {
    const before = await snapshot();
    const res = await h.app.inject({ method, url, ...(method === "POST" ? { payload: {} } : {}) });
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(await snapshot()).toEqual(before);
  });
});
