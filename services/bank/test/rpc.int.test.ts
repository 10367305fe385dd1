import { randomUUID } from "node:crypto";
import { bank, CASH_ACCOUNT_ID, HOUSE_ACCOUNT_ID } from "@arte/contracts";
import { signRequest } from "@arte/platform";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bank, codeOf, key, PIN, startBank } from "./harness.js";

let h: Bank;
beforeAll(async () => {
  h = await startBank();
});
afterAll(async () => {
  await h?.close();
});

const balance = (accountId: string) => h.call("users", bank.GetBalance, { accountId });

describe("open_account", () => {
  it("opens a customer account with a random 4-3-6 number, a scrypt PIN and an opening deposit", async () => {
    const k = key();
    const a = await h.call("users", bank.OpenAccount, {
      holderName: "Lee Jiwoo",
      pin: PIN,
      openingBalance: 50_000,
      key: k,
    });
    expect(a.number).toMatch(/^1002-\d{3}-\d{6}$/);
    const b = await balance(a.accountId);
    expect(b).toMatchObject({
      kind: "CUSTOMER",
      status: "ACTIVE",
      posted: 50_000,
      held: 0,
      available: 50_000,
    });
    const row = await h.db
      .selectFrom("account")
      .select("pin_hash")
      .where("id", "=", a.accountId)
      .executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(row.pin_hash).not.toContain(PIN);
    // replay: same answer, nothing new
    const before = await h.snapshot();
    expect(
      await h.call("users", bank.OpenAccount, {
        holderName: "Lee Jiwoo",
        pin: PIN,
        openingBalance: 50_000,
        key: k,
      }),
    ).toEqual(a);
    expect(await h.snapshot()).toEqual(before);
    // same key, other arguments
    expect(
      (
        await codeOf(
          h.call("users", bank.OpenAccount, { holderName: "Lee Jiwoo", pin: PIN, openingBalance: 1, key: k }),
        )
      ).code,
    ).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await h.snapshot()).toEqual(before);
  });

  it("draws another number when the drawn one is taken", async () => {
    const taken = (await h.openAccount()).number;
    const numbers = [taken, taken, "1002-999-000001"];
    const h2 = await startBank({ newNumber: () => numbers.shift() ?? "1002-999-000002" });
    try {
      // the first number exists in h2's db only after we create it there
      const first = await h2.bank.openAccount(
        { holderName: "A", pin: PIN, openingBalance: 0, key: key() },
        { caller: null },
      );
      expect(first.number).toBe(taken);
      const second = await h2.bank.openAccount(
        { holderName: "B", pin: PIN, openingBalance: 0, key: key() },
        { caller: null },
      );
      expect(second.number).toBe("1002-999-000001");
    } finally {
      await h2.close();
    }
  });
});

describe("deposit and withdraw", () => {
  it("moves money between CASH and the customer, idempotently", async () => {
    const a = await h.openAccount(0);
    const cashBefore = (await balance(CASH_ACCOUNT_ID)).posted;
    const k = key();
    const d = await h.call("users", bank.Deposit, { accountId: a.accountId, amount: 30_000, key: k });
    expect(d.balance).toMatchObject({ posted: 30_000, available: 30_000 });
    const again = await h.call("users", bank.Deposit, { accountId: a.accountId, amount: 30_000, key: k });
    expect(again).toEqual(d);
    expect((await balance(a.accountId)).posted).toBe(30_000);
    expect(
      (await codeOf(h.call("users", bank.Deposit, { accountId: a.accountId, amount: 30_001, key: k }))).code,
    ).toBe("IDEMPOTENCY_KEY_REUSED");
    const w = await h.call("users", bank.Withdraw, { accountId: a.accountId, amount: 10_000, key: key() });
    expect(w.balance.posted).toBe(20_000);
    expect((await balance(CASH_ACCOUNT_ID)).posted).toBe(cashBefore - 20_000);
  });

  it("refuses a withdrawal beyond the available balance with INSUFFICIENT_FUNDS and the available amount", async () => {
    const a = await h.openAccount(1_000);
    await h.call("auction", bank.PlaceHold, {
      accountId: a.accountId,
      amount: 600,
      reference: "lot-1",
      key: key(),
    });
    const before = await h.snapshot();
    const e = await codeOf(
      h.call("users", bank.Withdraw, { accountId: a.accountId, amount: 500, key: key() }),
    );
    expect(e).toMatchObject({
      code: "INSUFFICIENT_FUNDS",
      status: 422,
      details: { available: 400, requested: 500 },
    });
    expect(await h.snapshot()).toEqual(before);
  });

  it("refuses deposits to CASH and unknown accounts", async () => {
    expect(
      (await codeOf(h.call("users", bank.Deposit, { accountId: CASH_ACCOUNT_ID, amount: 1, key: key() })))
        .code,
    ).toBe("ACCOUNT_KIND_NOT_ALLOWED");
    const e = await codeOf(h.call("users", bank.Deposit, { accountId: randomUUID(), amount: 1, key: key() }));
    expect(e).toMatchObject({ code: "ACCOUNT_NOT_FOUND", status: 404 });
  });
});

describe("verify_ownership", () => {
  it("accepts the right PIN, counts wrong ones, locks on the 5th and resets on success", async () => {
    const a = await h.openAccount(0, "Park Seoyeon");
    expect(await h.call("users", bank.VerifyOwnership, { number: a.number, pin: PIN })).toEqual({
      accountId: a.accountId,
      holderName: "Park Seoyeon",
    });
    for (const left of [4, 3]) {
      const e = await codeOf(h.call("users", bank.VerifyOwnership, { number: a.number, pin: "0000" }));
      expect(e).toMatchObject({ code: "PIN_INCORRECT", status: 401, details: { attemptsLeft: left } });
    }
    await h.call("users", bank.VerifyOwnership, { number: a.number, pin: PIN }); // resets
    for (const left of [4, 3, 2, 1]) {
      const e = await codeOf(h.call("users", bank.VerifyOwnership, { number: a.number, pin: "1111" }));
      expect(e.details).toEqual({ attemptsLeft: left });
    }
    const fifth = await codeOf(h.call("users", bank.VerifyOwnership, { number: a.number, pin: "1111" }));
    expect(fifth).toMatchObject({ code: "ACCOUNT_LOCKED", status: 423 });
    // locked: even the right PIN is refused
    expect((await codeOf(h.call("users", bank.VerifyOwnership, { number: a.number, pin: PIN }))).code).toBe(
      "ACCOUNT_LOCKED",
    );
    expect((await balance(a.accountId)).status).toBe("LOCKED");
  });

  it("counts concurrent wrong PINs without losing any: 12 at once lock the account after exactly 5", async () => {
    const a = await h.openAccount(0);
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        codeOf(h.call("users", bank.VerifyOwnership, { number: a.number, pin: "9999" })),
      ),
    );
    expect(results.filter((r) => r.code === "PIN_INCORRECT")).toHaveLength(4);
    expect(results.filter((r) => r.code === "ACCOUNT_LOCKED")).toHaveLength(8);
    const row = await h.db
      .selectFrom("account")
      .selectAll()
      .where("id", "=", a.accountId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "LOCKED", failed_pin_attempts: 5 });
  });

  it("refuses unknown numbers and the house account", async () => {
    expect(
      (await codeOf(h.call("users", bank.VerifyOwnership, { number: "1002-000-000000", pin: PIN }))).code,
    ).toBe("ACCOUNT_NOT_FOUND");
    expect(
      (await codeOf(h.call("users", bank.VerifyOwnership, { number: "1000-000-000001", pin: PIN }))).code,
    ).toBe("ACCOUNT_KIND_NOT_ALLOWED");
  });
});

describe("holds", () => {
  it("hold → capture for less than held → the rest is released; events in the outbox", async () => {
    const a = await h.openAccount(100_000);
    const houseBefore = (await balance(HOUSE_ACCOUNT_ID)).posted;
    const ref = `lot-${randomUUID()}`;
    const hold = await h.call("auction", bank.PlaceHold, {
      accountId: a.accountId,
      amount: 70_000,
      reference: ref,
      key: key(),
    });
    expect(hold).toMatchObject({ status: "PENDING", amount: 70_000, capturedAmount: null, endedAt: null });
    expect(await balance(a.accountId)).toMatchObject({ posted: 100_000, held: 70_000, available: 30_000 });
    const k = key();
    const cap = await h.call("payment", bank.CaptureHold, {
      holdId: hold.holdId,
      payeeAccountId: HOUSE_ACCOUNT_ID,
      amount: 55_000,
      key: k,
    });
    expect(cap).toMatchObject({ status: "CAPTURED", capturedAmount: 55_000, transferId: expect.any(String) });
    expect(await balance(a.accountId)).toMatchObject({ posted: 45_000, held: 0, available: 45_000 });
    expect((await balance(HOUSE_ACCOUNT_ID)).posted).toBe(houseBefore + 55_000);
    // replay with the same key: the first answer
    expect(
      await h.call("payment", bank.CaptureHold, {
        holdId: hold.holdId,
        payeeAccountId: HOUSE_ACCOUNT_ID,
        amount: 55_000,
        key: k,
      }),
    ).toEqual(cap);
    // a second capture with a new key: refused
    const again = await codeOf(
      h.call("payment", bank.CaptureHold, {
        holdId: hold.holdId,
        payeeAccountId: HOUSE_ACCOUNT_ID,
        amount: 1,
        key: key(),
      }),
    );
    expect(again).toMatchObject({ code: "HOLD_ALREADY_ENDED", status: 409, details: { status: "CAPTURED" } });
    expect(
      (await codeOf(h.call("payment", bank.ReleaseHold, { holdId: hold.holdId, key: key() }))).code,
    ).toBe("HOLD_ALREADY_ENDED");

    const events = await h.db.selectFrom("outbox").select(["subject", "payload"]).orderBy("seq").execute();
    const mine = events.filter(
      (e) => (e.payload as { data: { holdId: string } }).data.holdId === hold.holdId,
    );
    expect(mine.map((e) => e.subject)).toEqual(["bank.hold.placed.v1", "bank.hold.captured.v1"]);
    expect((mine[1]!.payload as { data: unknown }).data).toMatchObject({
      captured: 55_000,
      released: 15_000,
      payeeAccountId: HOUSE_ACCOUNT_ID,
      transferId: cap.transferId,
      reference: ref,
    });
    const st = await h.call("users", bank.Statement, { accountId: a.accountId });
    expect(st.items.map((i) => [i.kind, i.amount])).toEqual([
      ["CAPTURE", -55_000],
      ["DEPOSIT", 100_000],
    ]);
    expect(st.items[0]?.counterpartyNumber).toBe("1000-000-000001");
  });

  it("release frees the funds once; a second release with a new key is HOLD_ALREADY_ENDED", async () => {
    const a = await h.openAccount(10_000);
    const hold = await h.call("auction", bank.PlaceHold, {
      accountId: a.accountId,
      amount: 10_000,
      reference: "lot-r",
      key: key(),
    });
    expect(
      (
        await codeOf(
          h.call("auction", bank.PlaceHold, {
            accountId: a.accountId,
            amount: 1,
            reference: "lot-r",
            key: key(),
          }),
        )
      ).details,
    ).toMatchObject({
      available: 0,
    });
    const r = await h.call("auction", bank.ReleaseHold, { holdId: hold.holdId, key: key() });
    expect(r).toMatchObject({ status: "RELEASED", capturedAmount: null, endedAt: expect.any(String) });
    expect(await balance(a.accountId)).toMatchObject({ held: 0, available: 10_000 });
    const before = await h.snapshot();
    expect(
      (await codeOf(h.call("auction", bank.ReleaseHold, { holdId: hold.holdId, key: key() }))).code,
    ).toBe("HOLD_ALREADY_ENDED");
    expect(
      (
        await codeOf(
          h.call("payment", bank.CaptureHold, {
            holdId: hold.holdId,
            payeeAccountId: HOUSE_ACCOUNT_ID,
            amount: 1,
            key: key(),
          }),
        )
      ).code,
    ).toBe("HOLD_ALREADY_ENDED");
    expect(await h.snapshot()).toEqual(before);
    expect(
      (await codeOf(h.call("auction", bank.ReleaseHold, { holdId: randomUUID(), key: key() }))).code,
    ).toBe("HOLD_NOT_FOUND");
  });

  it("refuses a capture above the hold, to the payer itself, to CASH or to an unknown account", async () => {
    const a = await h.openAccount(5_000);
    const hold = await h.call("auction", bank.PlaceHold, {
      accountId: a.accountId,
      amount: 3_000,
      reference: "lot-x",
      key: key(),
    });
    const before = await h.snapshot();
    const cap = (payee: string, amount: number) =>
      codeOf(
        h.call("payment", bank.CaptureHold, {
          holdId: hold.holdId,
          payeeAccountId: payee,
          amount,
          key: key(),
        }),
      );
    expect((await cap(HOUSE_ACCOUNT_ID, 3_001)).code).toBe("CAPTURE_EXCEEDS_HOLD");
    expect((await cap(a.accountId, 1)).code).toBe("SAME_ACCOUNT");
    expect((await cap(CASH_ACCOUNT_ID, 1)).code).toBe("ACCOUNT_KIND_NOT_ALLOWED");
    expect((await cap(randomUUID(), 1)).code).toBe("ACCOUNT_NOT_FOUND");
    expect(await h.snapshot()).toEqual(before);
  });

  it("never overdraws under 20 concurrent holds: exactly the ones that fit succeed", async () => {
    const a = await h.openAccount(10_000);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        h.call("auction", bank.PlaceHold, {
          accountId: a.accountId,
          amount: 1_000,
          reference: `c-${i}`,
          key: key(),
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    expect(await balance(a.accountId)).toMatchObject({ held: 10_000, available: 0 });
  });

  it("lists holds by account, reference and status", async () => {
    const a = await h.openAccount(10_000);
    const ref = `lot-${randomUUID()}`;
    const h1 = await h.call("auction", bank.PlaceHold, {
      accountId: a.accountId,
      amount: 100,
      reference: ref,
      key: key(),
    });
    await h.call("auction", bank.PlaceHold, {
      accountId: a.accountId,
      amount: 200,
      reference: "other",
      key: key(),
    });
    await h.call("auction", bank.ReleaseHold, { holdId: h1.holdId, key: key() });
    expect((await h.call("users", bank.ListHolds, { accountId: a.accountId })).items).toHaveLength(2);
    expect(
      (await h.call("users", bank.ListHolds, { accountId: a.accountId, status: "PENDING" })).items.map(
        (x) => x.amount,
      ),
    ).toEqual([200]);
    expect((await h.call("payment", bank.ListHolds, { reference: ref })).items.map((x) => x.holdId)).toEqual([
      h1.holdId,
    ]);
  });
});

describe("transfer", () => {
  it("moves money between two accounts idempotently; refuses same account, CASH and overdraft", async () => {
    const a = await h.openAccount(8_000);
    const b = await h.openAccount(0);
    const k = key();
    const t = await h.call("payment", bank.Transfer, {
      fromAccountId: a.accountId,
      toAccountId: b.accountId,
      amount: 3_000,
      reference: "r1",
      key: k,
    });
    expect(
      await h.call("payment", bank.Transfer, {
        fromAccountId: a.accountId,
        toAccountId: b.accountId,
        amount: 3_000,
        reference: "r1",
        key: k,
      }),
    ).toEqual(t);
    expect((await balance(a.accountId)).posted).toBe(5_000);
    expect((await balance(b.accountId)).posted).toBe(3_000);
    expect(
      (
        await codeOf(
          h.call("payment", bank.Transfer, {
            fromAccountId: a.accountId,
            toAccountId: b.accountId,
            amount: 3_000,
            reference: "r2",
            key: k,
          }),
        )
      ).code,
    ).toBe("IDEMPOTENCY_KEY_REUSED");
    const before = await h.snapshot();
    const tr = (from: string, to: string, amount: number) =>
      codeOf(
        h.call("payment", bank.Transfer, {
          fromAccountId: from,
          toAccountId: to,
          amount,
          reference: "x",
          key: key(),
        }),
      );
    expect((await tr(a.accountId, a.accountId, 1)).code).toBe("SAME_ACCOUNT");
    expect((await tr(CASH_ACCOUNT_ID, a.accountId, 1)).code).toBe("ACCOUNT_KIND_NOT_ALLOWED");
    expect((await tr(a.accountId, b.accountId, 5_001)).code).toBe("INSUFFICIENT_FUNDS");
    expect((await tr(a.accountId, randomUUID(), 1)).code).toBe("ACCOUNT_NOT_FOUND");
    expect((await tr(randomUUID(), a.accountId, 1)).code).toBe("ACCOUNT_NOT_FOUND");
    expect(await h.snapshot()).toEqual(before);
  });

  it("transfers in both directions at once never deadlock and never lose an update", async () => {
    const a = await h.openAccount(100_000);
    const b = await h.openAccount(100_000);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.call("payment", bank.Transfer, {
          fromAccountId: i % 2 ? a.accountId : b.accountId,
          toAccountId: i % 2 ? b.accountId : a.accountId,
          amount: 100 + i,
          reference: `x${i}`,
          key: key(),
        }),
      ),
    );
    const sum = (await balance(a.accountId)).posted + (await balance(b.accountId)).posted;
    expect(sum).toBe(200_000);
    const check = await h.admin.ledgerCheck();
    expect(check.ok).toBe(true);
  });
});

describe("caller authentication (ADR 0006)", () => {
  const enc = new TextEncoder();
  async function raw(
    subjectName: string,
    body: unknown,
    sign?: { service: string; secret: string; at?: number },
  ) {
    const subject = h.bus.subject(`rpc.${subjectName}`);
    const data = enc.encode(JSON.stringify(body));
    const hd = natsHeaders();
    if (sign) signRequest(hd, { service: sign.service, secret: sign.secret }, subject, data, sign.at);
    const msg = await h.bus.nc.request(subject, data, { headers: hd, timeout: 3000 });
    return msg.json<{ ok: boolean; error?: { code: string }; result?: unknown }>();
  }

  it("answers unsigned, forged, stale, unknown and not-allowed callers UNAUTHENTICATED and changes nothing", async () => {
    const a = await h.openAccount(1_000);
    const req = { accountId: a.accountId, amount: 500, key: key() };
    const before = await h.snapshot();
    const attempts = [
      await raw("bank.withdraw", req),
      await raw("bank.withdraw", req, { service: "users", secret: "f".repeat(64) }),
      await raw("bank.withdraw", req, { service: "users", secret: h.secrets.users, at: Date.now() - 60_000 }),
      await raw("bank.withdraw", req, { service: "mallory", secret: h.secrets.users }),
      // a known caller, but not allowed to withdraw
      await raw("bank.withdraw", req, { service: "auction", secret: h.secrets.auction }),
      await raw(
        "bank.capture",
        { holdId: randomUUID(), payeeAccountId: HOUSE_ACCOUNT_ID, amount: 1, key: key() },
        {
          service: "auction",
          secret: h.secrets.auction,
        },
      ),
    ];
    for (const r of attempts)
      expect(r).toEqual({
        ok: false,
        error: { code: "UNAUTHENTICATED", status: 401, message: expect.any(String) },
      });
    expect(await h.snapshot()).toEqual(before);
    // the right caller with the right secret: accepted
    expect((await raw("bank.withdraw", req, { service: "users", secret: h.secrets.users })).ok).toBe(true);
  });

  it("binds the signature to the subject and the body", async () => {
    const a = await h.openAccount(1_000);
    const subject = h.bus.subject("rpc.bank.withdraw");
    const signedBody = enc.encode(JSON.stringify({ accountId: a.accountId, amount: 1, key: key() }));
    const hd = natsHeaders();
    signRequest(hd, { service: "users", secret: h.secrets.users }, subject, signedBody);
    const tampered = enc.encode(JSON.stringify({ accountId: a.accountId, amount: 1000, key: key() }));
    const msg = await h.bus.nc.request(subject, tampered, { headers: hd, timeout: 3000 });
    expect(msg.json<{ error: { code: string } }>().error.code).toBe("UNAUTHENTICATED");
    expect((await balance(a.accountId)).posted).toBe(1_000);
  });
});
