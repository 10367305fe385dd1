/**
 * The walking skeleton, end to end: `npm start`'s launcher runs every service as its own process
 * (own database, NATS prefix, Redis prefix and ports, and a real SMTP server started here), and a
 * person goes through the gateway: request code → read the email → sign up → log in → refresh →
 * refresh-token reuse detected → log out → an admin suspends them → their login is refused.
 */
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type System, startSystem } from "./lib/system.js";
import { until } from "./lib/until.js";

let sys: System;
let tag: string;

beforeAll(async () => {
  sys = await startSystem(
    "journey",
    {
      // The demo catalogue: the journeys browse it and put its artworks up for auction.
      DEMO_DATA: "true",
      INSTANCES_USERS: "2",
      // Several people sign up from one address here; the limits themselves are tested in the gateway.
      RATE_LIMIT_EMAIL: "100",
      RATE_LIMIT_AUTH: "200",
    },
    { readyTimeoutMs: 240_000 },
  );
  tag = sys.tag;
}, 260_000);

afterAll(async () => {
  // Ctrl-C stops every process cleanly.
  if (sys) expect(await sys.stop()).toBe(0);
}, 60_000);

/** A call through the gateway; `cookie` is the refresh-token cookie it set, if any. */
async function call(
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; cookie?: string; requestId?: string; key?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.key) headers["idempotency-key"] = opts.key;
  if (opts.requestId) headers["x-request-id"] = opts.requestId;
  const res = await sys.request(method, path, {
    json: opts.body,
    token: opts.token,
    cookie: opts.cookie,
    headers,
  });
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("refresh_token="));
  return {
    status: res.status,
    json: res.text ? JSON.parse(res.text) : null,
    cookie: setCookie?.split(";")[0],
  };
}

describe("one schema and one role per service", () => {
  it("lets each service's role read its own tables and nothing of another's", async () => {
    const role = (user: string) => ({ user });
    expect(await sys.sql("select count(*)::int as n from app_user", [], role("arte_users"))).toHaveLength(1);
    await expect(
      sys.sql("select count(*) from notification.sent_message", [], role("arte_users")),
    ).rejects.toThrow(/permission denied/);
    await expect(
      sys.sql("select count(*) from users.app_user", [], role("arte_notification")),
    ).rejects.toThrow(/permission denied/);
  });
});

describe("the first journey, through the gateway, with a real email", () => {
  it("prints where to go and has every process up", () => {
    const text = sys.output.join("\n");
    expect(text).toContain("/api/docs");
    expect(text).not.toContain("DOWN");
  });

  it("goes from an emailed code to a suspended account", async () => {
    const email = `Bidder.${tag}@Example.com`;
    const password = "a-long-passphrase-42";

    // 1. request a code; read it from the real email
    const requestId = `journey-${tag}-code`;
    const req = await call("POST", "/api/users/v1/email-verifications", {
      body: { email, locale: "en" },
      requestId,
    });
    expect(req.status).toBe(202);
    // the request id travels gateway → service → the event's correlationId
    const outbox = await sys.sql<{ cid: string }>(
      "select payload->>'correlationId' as cid from users.outbox where subject = 'user.email_code.requested.v1'",
    );
    expect(outbox.map((r) => r.cid)).toContain(requestId);
    const mail = await sys.smtp.waitFor((m) => m.to.includes(email.toLowerCase()), 20_000);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);

    // 2. confirm it, sign up with the proof
    const conf = await call("POST", "/api/users/v1/email-verifications/confirm", { body: { email, code } });
    expect(conf.status).toBe(200);
    const signup = await call("POST", "/api/users/v1/users", {
      body: {
        email,
        password,
        username: "김민지",
        birth: "1991-04-12",
        gender: "녀",
        phoneNumber: "010-1234-5678",
        postcode: "03154",
        address: "서울특별시 종로구 세종대로 175",
        addressDetail: "3층",
        locale: "en",
        verificationToken: conf.json.verificationToken,
      },
    });
    expect(signup.status).toBe(201);
    expect(signup.json.email).toBe(email.toLowerCase());
    const welcome = await sys.smtp.waitFor(
      (m) => m.to.includes(email.toLowerCase()) && !/\b\d{6}\b/.test(m.text),
      20_000,
    );
    expect(welcome.text).toContain("김민지");

    // 3. log in, read my profile
    const login = await call("POST", "/api/users/v1/auth/login", { body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.cookie).toMatch(/^refresh_token=/);
    const me = await call("GET", "/api/users/v1/me", { token: login.json.accessToken });
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(signup.json.id);

    // 3b. open a demo bank account, top it up, unlink it, link it back by number and PIN
    const token = login.json.accessToken;
    const demo = await call("POST", "/api/users/v1/me/bank-account/demo", {
      token,
      body: { pin: "2580" },
      key: `demo-${tag}`,
    });
    expect(demo.status).toBe(201);
    expect(demo.json).toMatchObject({ posted: 10_000_000, held: 0, available: 10_000_000 });
    const topUp = { token, body: { amount: 50_000 }, key: `top-up-${tag}` };
    expect((await call("POST", "/api/users/v1/me/bank-account/top-up", topUp)).json.posted).toBe(10_050_000);
    expect((await call("POST", "/api/users/v1/me/bank-account/top-up", topUp)).json.posted).toBe(10_050_000);
    const statement = await call("GET", "/api/users/v1/me/bank-account/statement", { token });
    expect(statement.json.items.map((e: { amount: number }) => e.amount)).toEqual([50_000, 10_000_000]);
    expect((await call("DELETE", "/api/users/v1/me/bank-account", { token })).status).toBe(204);
    const wrongPin = await call("POST", "/api/users/v1/me/bank-account", {
      token,
      body: { accountNumber: demo.json.number, pin: "0000" },
    });
    expect(wrongPin.status).toBe(401);
    expect(wrongPin.json.code).toBe("PIN_INCORRECT");
    const linked = await call("POST", "/api/users/v1/me/bank-account", {
      token,
      body: { accountNumber: demo.json.number, pin: "2580" },
    });
    expect(linked.status).toBe(201);
    expect(linked.json.available).toBe(10_050_000);
    expect((await call("GET", "/api/bank/v1/admin/ledger/check", { token })).status).toBe(403);

    // 3c. browse the demo catalogue, load an image through the gateway, watch an artwork
    const listing = await call("GET", "/api/catalog/v1/artworks?sort=newest&limit=5");
    expect(listing.status).toBe(200);
    expect(listing.json.items).toHaveLength(5);
    const art = listing.json.items[0];
    const img = await fetch(`${sys.gateway}${art.primaryImage.variants.thumb.url}`);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/webp");
    expect(img.headers.get("cache-control")).toContain("immutable");
    expect((await call("PUT", `/api/catalog/v1/me/watchlist/${art.id}`, { token })).status).toBeLessThan(300);
    const watched = await call("GET", "/api/catalog/v1/me/watchlist", { token });
    expect(JSON.stringify(watched.json)).toContain(art.id);

    // 4. refresh rotates the cookie; the old cookie again is reuse, which ends the family
    const refreshed = await call("POST", "/api/users/v1/auth/refresh", { cookie: login.cookie });
    expect(refreshed.status).toBe(200);
    expect(refreshed.cookie).toBeDefined();
    expect(refreshed.cookie).not.toBe(login.cookie);
    const reused = await call("POST", "/api/users/v1/auth/refresh", { cookie: login.cookie });
    expect(reused.status).toBe(401);
    expect(reused.json.code).toBe("REFRESH_TOKEN_REUSED");
    const afterReuse = await call("POST", "/api/users/v1/auth/refresh", { cookie: refreshed.cookie });
    expect(afterReuse.status).toBe(401);
    expect((await call("GET", "/api/users/v1/me", { token: refreshed.json.accessToken })).status).toBe(401);

    // 5. a new session; logout ends it
    const again = await call("POST", "/api/users/v1/auth/login", { body: { email, password } });
    expect(again.status).toBe(200);
    const out = await call("POST", "/api/users/v1/auth/logout", {
      token: again.json.accessToken,
      cookie: again.cookie,
    });
    expect(out.status).toBe(204);
    expect((await call("GET", "/api/users/v1/me", { token: again.json.accessToken })).status).toBe(401);
    expect((await call("POST", "/api/users/v1/auth/refresh", { cookie: again.cookie })).status).toBe(401);

    // 6. the admin suspends the user; their login is refused
    const adminLogin = await call("POST", "/api/users/v1/auth/login", { body: sys.admin });
    expect(adminLogin.status).toBe(200);
    const found = await call("GET", `/api/users/v1/admin/users?q=${encodeURIComponent(tag)}`, {
      token: adminLogin.json.accessToken,
    });
    expect(found.status).toBe(200);
    expect(found.json.items.map((u: { id: string }) => u.id)).toContain(signup.json.id);
    const suspended = await call("POST", `/api/users/v1/admin/users/${signup.json.id}/suspend`, {
      token: adminLogin.json.accessToken,
      body: { reason: "journey test" },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.json.status).toBe("SUSPENDED");
    const ledger = await call("GET", "/api/bank/v1/admin/ledger/check", {
      token: adminLogin.json.accessToken,
    });
    expect(ledger.status).toBe(200);
    expect(ledger.json).toMatchObject({ ok: true, sumOfAllBalances: 0 });
    expect(ledger.json.customerAndHouseBalances).toBe(ledger.json.netDeposits);
    const refused = await call("POST", "/api/users/v1/auth/login", { body: { email, password } });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe("ACCOUNT_SUSPENDED");

    // and a plain user cannot reach the admin API
    const third = await call("GET", "/api/users/v1/admin/users", {
      token: me.json ? login.json.accessToken : "",
    });
    expect([401, 403]).toContain(third.status);
  }, 60_000);
});

const BIDDER_PASSWORD = "bidder-passphrase-77";

/** Registers a bidder through the gateway (code read from the email), links a demo account, signs in. */
async function newBidder(name: string, opts: { link?: boolean } = {}) {
  const { accessToken: token, userId } = await sys.signUp(name, { password: BIDDER_PASSWORD });
  if (opts.link !== false) {
    const demo = await call("POST", "/api/users/v1/me/bank-account/demo", {
      token,
      body: { pin: "1357" },
      key: `demo-${name}-${tag}`,
    });
    expect(demo.status).toBe(201);
  }
  return { token, userId };
}

describe("a lot's whole life through the gateway", () => {
  it("opens on time, takes proxy bids, refuses a low bid, closes as SOLD, and every view agrees", async () => {
    const [ana, ben] = [await newBidder("ana"), await newBidder("ben")];
    const admin = (await call("POST", "/api/users/v1/auth/login", { body: sys.admin })).json
      .accessToken as string;
    const artworks = await call("GET", "/api/catalog/v1/artworks?sort=newest&limit=10");
    const artworkId = artworks.json.items[3].id as string;
    const now = Date.now();
    const created = await call("POST", "/api/auction/v1/admin/lots", {
      token: admin,
      body: {
        artworkId,
        startPrice: 100_000,
        softCloseSeconds: 1,
        startsAt: new Date(now + 1500).toISOString(),
        endsAt: new Date(now + 9000).toISOString(),
      },
    });
    expect(created.status).toBe(201);
    const lotId = created.json.lotId as string;
    await until(
      async () => (await call("GET", `/api/auction/v1/lots/${lotId}`)).json.status === "OPEN",
      "the lot to open",
    );

    const bid = (who: { token: string }, body: object, key: string) =>
      call("POST", `/api/auction/v1/lots/${lotId}/bids`, { token: who.token, body, key: `${key}-${tag}` });
    const a1 = await bid(ana, { amount: 100_000, maxAmount: 300_000 }, "a1");
    expect(a1.status).toBe(201);
    expect(a1.json).toMatchObject({ leading: true, price: 100_000, yourMaximum: 300_000 });
    const b1 = await bid(ben, { amount: 150_000 }, "b1");
    expect(b1.json).toMatchObject({ leading: false, price: 160_000 });
    // a firm bid above the leader's maximum: the price is the amount named
    const b2 = await bid(ben, { amount: 400_000 }, "b2");
    expect(b2.json).toMatchObject({ leading: true, price: 400_000 });
    expect((await bid(ben, { amount: 400_000 }, "b2")).json.bidId).toBe(b2.json.bidId);
    const low = await bid(ana, { amount: 310_000 }, "a2");
    expect(low.status).toBe(422);
    expect(low.json.code).toBe("BID_TOO_LOW");
    expect(low.json.error.details.nextMinimum).toBe(410_000);

    const sold = await until(async () => {
      const lot = await call("GET", `/api/auction/v1/lots/${lotId}`);
      return lot.json.status === "SOLD" && lot.json;
    }, "the lot to be sold");
    expect(sold.hammerPrice).toBe(400_000);

    // history: aliases, "you", no user ids; my bids
    const hist = await until(async () => {
      const h = await call("GET", `/api/history/v1/lots/${lotId}/bids`, { token: ben.token });
      return h.status === 200 && h.json.items.length >= 3 && h.json;
    }, "the bid history");
    expect(JSON.stringify(hist)).not.toContain(ana.userId);
    expect(JSON.stringify(hist)).not.toContain(ben.userId);
    expect(hist.items.some((b: { you: boolean }) => b.you)).toBe(true);
    const state = async (who: { token: string }) =>
      (await call("GET", "/api/history/v1/me/bids", { token: who.token })).json.items.find(
        (r: { lotId: string }) => r.lotId === lotId,
      )?.state;
    await until(async () => (await state(ben)) === "WON", "ben's bid to show WON");
    await until(async () => (await state(ana)) === "LOST", "ana's bid to show LOST");

    // the catalog's read model follows; the loser's hold is released at the bank
    await until(async () => {
      const art = await call("GET", `/api/catalog/v1/artworks/${artworkId}`);
      return art.json.auction?.status === "SOLD";
    }, "the catalog to show SOLD");
    await until(
      async () => (await call("GET", "/api/users/v1/me/bank-account", { token: ana.token })).json.held === 0,
      "ana's hold to be released",
    );

    // settlement: one invoice, paid by capturing ben's hold for hammer + 15 % premium; the ledger balances
    const invoice = await until(async () => {
      const p = await call("GET", "/api/payment/v1/me/purchases", { token: ben.token });
      return p.json?.items?.find(
        (i: { lotId: string; status: string }) => i.lotId === lotId && i.status === "PAID",
      );
    }, "ben's invoice to be paid");
    expect(invoice).toMatchObject({ hammer: 400_000, premium: 60_000, total: 460_000 });
    const benBank = (await call("GET", "/api/users/v1/me/bank-account", { token: ben.token })).json;
    expect(benBank).toMatchObject({ posted: 10_000_000 - 460_000, held: 0 });
    expect((await call("GET", "/api/payment/v1/me/purchases", { token: ana.token })).json.items).toHaveLength(
      0,
    );
    const receipt = await fetch(`${sys.gateway}/api/payment/v1/me/invoices/${invoice.id}/receipt?lang=en`, {
      headers: { authorization: `Bearer ${ben.token}` },
    });
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get("content-type")).toContain("text/html");
    // the admin's views and a partial refund, exactly once per key; bad refunds change nothing
    const listed = await call("GET", "/api/payment/v1/admin/invoices?status=PAID", { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((i: { id: string }) => i.id)).toContain(invoice.id);
    const refund = {
      token: admin,
      body: { amount: 50_000, reason: "frame damaged in transit" },
      key: `refund-${tag}`,
    };
    const r1 = await call("POST", `/api/payment/v1/admin/invoices/${invoice.id}/refunds`, refund);
    expect([201, 202]).toContain(r1.status);
    const r2 = await call("POST", `/api/payment/v1/admin/invoices/${invoice.id}/refunds`, refund);
    expect(r2.json.id).toBe(r1.json.id);
    const tooMuch = await call("POST", `/api/payment/v1/admin/invoices/${invoice.id}/refunds`, {
      token: admin,
      body: { amount: 460_000, reason: "more than is left" },
      key: `refund-too-much-${tag}`,
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.json.code).toBe("REFUND_EXCEEDS_PAID");
    const unknown = await call("POST", `/api/payment/v1/admin/invoices/${randomUUID()}/refunds`, {
      token: admin,
      body: { amount: 1_000, reason: "no such invoice" },
      key: `refund-unknown-${tag}`,
    });
    expect(unknown.status).toBe(404);
    await until(
      async () =>
        (await call("GET", "/api/users/v1/me/bank-account", { token: ben.token })).json.posted ===
        10_000_000 - 460_000 + 50_000,
      "ben's refund to arrive once",
    );
    const ledger = (await call("GET", "/api/bank/v1/admin/ledger/check", { token: admin })).json;
    expect(ledger).toMatchObject({ ok: true, sumOfAllBalances: 0 });
  }, 120_000);
});

/** A token signed with the system's own key, for claims the real flows never produce (ev=false). */
const mintToken = (userId: string, claims: { ev?: boolean } = {}) =>
  sys.tokenFor({ userId, role: "USER" }, claims);

describe("every bidding rule and rejection code, through the gateway", () => {
  it("answers each with its code, and applies buy-now, soft close and the hidden reserve", async () => {
    const [ana, ben, cat] = [await newBidder("ana2"), await newBidder("ben2"), await newBidder("cat2")];
    const dan = await newBidder("dan2", { link: false });
    const admin = (await call("POST", "/api/users/v1/auth/login", { body: sys.admin })).json
      .accessToken as string;
    const artworks = (await call("GET", "/api/catalog/v1/artworks?sort=newest&limit=40")).json.items as {
      id: string;
    }[];
    let next = 10;
    const lot = async (fields: Record<string, unknown>, startInMs: number, lengthMs: number) => {
      const now = Date.now();
      const r = await call("POST", "/api/auction/v1/admin/lots", {
        token: admin,
        body: {
          artworkId: artworks[next++]!.id,
          startPrice: 100_000,
          startsAt: new Date(now + startInMs).toISOString(),
          endsAt: new Date(now + startInMs + lengthMs).toISOString(),
          ...fields,
        },
      });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      return r.json.lotId as string;
    };
    let n = 0;
    const bid = (lotId: string, token: string, body: object, key = `k${n++}-${tag}-${randomUUID()}`) =>
      call("POST", `/api/auction/v1/lots/${lotId}/bids`, { token, body, key });
    const open = (lotId: string) =>
      until(async () => (await call("GET", `/api/auction/v1/lots/${lotId}`)).json.status === "OPEN", "open");

    const main = await lot({ sellerUserId: ana.userId, buyNowPrice: 5_000_000 }, 800, 60_000);
    const later = await lot({}, 3_600_000, 60_000);
    await open(main);

    expect((await bid(later, ben.token, { amount: 100_000 })).json.code).toBe("LOT_NOT_OPEN");
    expect((await bid(main, ana.token, { amount: 100_000 })).json.code).toBe("SELF_BIDDING");
    expect((await bid(main, dan.token, { amount: 100_000 })).json.code).toBe("NO_LINKED_ACCOUNT");
    expect((await bid(main, await mintToken(ben.userId, { ev: false }), { amount: 100_000 })).json.code).toBe(
      "EMAIL_NOT_VERIFIED",
    );
    const poor = await bid(main, cat.token, { amount: 100_000, maxAmount: 20_000_000 });
    expect(poor.status).toBe(422);
    expect(poor.json.code).toBe("INSUFFICIENT_FUNDS");
    expect((await bid(main, ben.token, { amount: 90_000 })).json).toMatchObject({
      code: "BID_TOO_LOW",
      error: { details: { nextMinimum: 100_000 } },
    });
    const first = await bid(main, ben.token, { amount: 100_000 }, `same-${tag}`);
    expect(first.status).toBe(201);
    const reused = await bid(main, ben.token, { amount: 110_000 }, `same-${tag}`);
    expect(reused.status).toBe(409);
    expect(reused.json.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(
      (
        await call("POST", `/api/auction/v1/lots/${main}/bids`, {
          token: ben.token,
          body: { amount: 200_000 },
        })
      ).status,
    ).toBe(400);
    expect((await bid(main, ben.token, { amount: 100_000 })).json.code).toBe("ALREADY_LEADING");
    const raise = await bid(main, ben.token, { amount: 110_000, maxAmount: 900_000 });
    expect(raise.json).toMatchObject({ leading: true, price: 100_000, yourMaximum: 900_000 });

    // the public view hides the leader's identity and maximum
    const view = (await call("GET", `/api/auction/v1/lots/${main}`, { token: cat.token })).json;
    expect(view.leader).toMatchObject({ you: false });
    expect(JSON.stringify(view)).not.toContain(ben.userId);
    expect(JSON.stringify(view)).not.toContain("900000");

    // buy-now closes the lot at once as SOLD
    const buyNow = await bid(main, cat.token, { amount: 5_000_000 });
    expect(buyNow.status, JSON.stringify(buyNow.json)).toBe(201);
    expect(buyNow.json.status).toBe("SOLD");
    expect((await bid(main, ben.token, { amount: 6_000_000 })).json.code).toBe("LOT_ENDED");

    // a suspended bidder holding a fresh token is still refused by the auction itself
    const eve = await newBidder("eve2");
    const eveId = eve.userId;
    await call("POST", `/api/users/v1/admin/users/${eveId}/suspend`, {
      token: admin,
      body: { reason: "rules test" },
    });
    const short = await lot({}, 800, 60_000);
    await open(short);
    const suspended = await until(async () => {
      const r = await bid(short, await mintToken(eveId), { amount: 100_000 });
      return r.json.code === "ACCOUNT_SUSPENDED" && r;
    }, "the suspension to reach the auction");
    expect(suspended.status).toBe(403);

    // soft close: a bid in the last seconds moves the end
    const closing = await lot({ softCloseSeconds: 5 }, 800, 3_000);
    await open(closing);
    const before = (await call("GET", `/api/auction/v1/lots/${closing}`)).json.endsAt as string;
    const late = await bid(closing, ben.token, { amount: 100_000 });
    expect(late.json.extended).toBe(true);
    expect(Date.parse(late.json.endsAt)).toBeGreaterThan(Date.parse(before));

    // the hidden reserve decides UNSOLD; the public never sees its amount
    const reserved = await lot({ reservePrice: 300_000, softCloseSeconds: 0 }, 800, 2_000);
    await open(reserved);
    expect((await bid(reserved, ben.token, { amount: 100_000, maxAmount: 200_000 })).status).toBe(201);
    const shown = (await call("GET", `/api/auction/v1/lots/${reserved}`)).json;
    expect(shown).toMatchObject({ hasReserve: true, reserveMet: false });
    expect(JSON.stringify(shown)).not.toContain("300000");
    await until(
      async () => (await call("GET", `/api/auction/v1/lots/${reserved}`)).json.status === "UNSOLD",
      "UNSOLD",
    );
    expect((await bid(reserved, ben.token, { amount: 500_000 })).json.code).toBe("LOT_ENDED");
  }, 120_000);
});

describe("an admin builds the catalogue through the gateway", () => {
  it("creates an artist and an artwork, uploads images as multipart, and anyone finds it by search", async () => {
    const admin = (await call("POST", "/api/users/v1/auth/login", { body: sys.admin })).json
      .accessToken as string;
    const artist = await call("POST", "/api/catalog/v1/admin/artists", {
      token: admin,
      body: { nameKo: `이우환 ${tag}`, nameEn: `Lee ${tag}`, birthYear: 1936, country: "KR" },
    });
    expect(artist.status, JSON.stringify(artist.json)).toBe(201);
    const titleEn = `Correspondance ${tag}`;
    const artwork = await call("POST", "/api/catalog/v1/admin/artworks", {
      token: admin,
      body: {
        artistId: artist.json.id,
        titleKo: `조응 ${tag}`,
        titleEn,
        description: "캔버스에 유채. Oil on canvas.",
        country: "KR",
        completionDate: "2019-05",
        size: { widthCm: 90.9, heightCm: 72.7 },
        medium: "PAINTING",
        theme: "LANDSCAPE",
        style: "ABSTRACT",
        technique: "OIL",
        estimateLow: 1_000_000,
        estimateHigh: 2_000_000,
        conditionReport: "Good",
      },
    });
    expect(artwork.status, JSON.stringify(artwork.json)).toBe(201);

    // two images through the gateway's multipart path; one named .jpg but really a PDF is refused
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#3a5f8f" } })
      .png()
      .toBuffer();
    const multipart = (files: { name: string; type: string; data: Buffer }[]) => {
      const boundary = `----arte${randomUUID()}`;
      const parts: Buffer[] = [];
      for (const f of files) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`,
          ),
          f.data,
          Buffer.from("\r\n"),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
    };
    const upload = async (files: { name: string; type: string; data: Buffer }[], token = admin) => {
      const m = multipart(files);
      const res = await fetch(`${sys.gateway}/api/catalog/v1/admin/artworks/${artwork.json.id}/images`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": m.type },
        body: m.body,
      });
      return { status: res.status, json: (await res.json()) as { images: unknown[]; code?: string } };
    };
    const fake = await upload([
      { name: "scan.jpg", type: "image/jpeg", data: Buffer.from("%PDF-1.7\n%fake\n") },
    ]);
    expect(fake.status).toBe(415);
    const ok = await upload([
      { name: "front.png", type: "image/png", data: png },
      { name: "detail.png", type: "image/png", data: png },
    ]);
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    expect(ok.json.images).toHaveLength(2);
    const user = (
      await call("POST", "/api/users/v1/auth/login", {
        body: { email: `ana2.${tag}@example.com`, password: BIDDER_PASSWORD },
      })
    ).json.accessToken as string;
    expect((await upload([{ name: "x.png", type: "image/png", data: png }], user)).status).toBe(403);

    // anyone finds it by a partial, case-insensitive search, with its primary image
    const found = await until(async () => {
      const r = await call("GET", `/api/catalog/v1/artworks?q=${encodeURIComponent(`correspond`)}&limit=50`);
      return r.json.items.find((a: { id: string }) => a.id === artwork.json.id);
    }, "the artwork in search results");
    expect(found.primaryImage.variants.large.url).toMatch(/^\/media\//);
    const large = await fetch(`${sys.gateway}${found.primaryImage.variants.large.url}`);
    expect(large.headers.get("content-type")).toBe("image/webp");
  }, 60_000);
});
