/**
 * The chaos workload: many bidders on many lots through every gateway instance, lots opening and
 * closing during the run, WebSocket watchers on /api/live, and users registering and linking bank
 * accounts (a few through the real email-code flow, the rest synthetic). Seeded, bounded in count and
 * time, loopback only.
 *
 * The client contract it follows (and proves): every bid carries an Idempotency-Key; on a network
 * error, a 5xx or a 429 the SAME request is sent again with the SAME key (on the next gateway) until a
 * definite answer comes. Every attempt and every answer is recorded; a bid answered 201 is kept with its
 * bidId for the invariant checker.
 */
import { randomUUID } from "node:crypto";
import { incrementAt } from "@arte/auction/modules/bidding/bidding.domain.js";
import { bank, users } from "@arte/contracts";
import { callRpc } from "@arte/platform";
import { headers as natsHeaders } from "@nats-io/transport-node";
import WebSocket from "ws";
import type { ChaosSystem } from "./system.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator (the run's choices repeat for one seed; timing does not). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

/** One HTTP attempt. */
export type RequestRecord = {
  /** ms since the workload started */
  t: number;
  op: string;
  method: string;
  path: string;
  gateway: number;
  key?: string;
  attempt: number;
  /** 0 = no HTTP answer (network error or timeout) */
  status: number;
  code?: string;
  error?: string;
  ms: number;
};

/** One logical bid (one Idempotency-Key), with every answer it got. */
export type BidRecord = {
  key: string;
  lotId: string;
  userId: string;
  amount: number;
  maxAmount: number | null;
  attempts: number;
  /** every definite answer (status, code, bidId); more than one for a deliberate duplicate submit */
  answers: { status: number; code?: string; bidId?: string; t: number }[];
  /** no definite answer within the retry budget */
  unanswered: boolean;
};

export type LotPlan = {
  lotId: string;
  artworkId: string;
  startsAt: number;
  endsAt: number;
  startPrice: number;
  /** bid on by the workload (else it ends without bids, or is cancelled) */
  biddable: boolean;
  cancelAt?: number;
};

export type WorkloadOptions = {
  seed: number;
  durationMs: number;
  lots: number;
  syntheticBidders: number;
  /** synthetic bidders created while the run goes on (on top of syntheticBidders) */
  lateBidders: number;
  realUsers: number;
  watchers: number;
  /** concurrent bidding loops */
  concurrency: number;
  /** how long one request may keep retrying with its key */
  retryBudgetMs?: number;
  log?: (line: string) => void;
};

type Bidder = {
  userId: string;
  token: string;
  real?: { email: string; password: string };
};

type LotView = {
  plan: LotPlan;
  nextMinimum: number;
  endsAt: number;
  final: boolean;
  cancelled: boolean;
};

export type WatcherStats = {
  sockets: number;
  reconnects: number;
  messages: number;
  snapshots: number;
  lotMessages: number;
  /** a `lot` message whose version was not head + 1 (a silent gap or a repeat) */
  gaps: { lotId: string; head: number; got: number }[];
  /** why sockets closed (WebSocket close code → count; 1006 = dropped, e.g. a killed gateway) */
  closeCodes: Record<string, number>;
  /** connection attempts that failed (no gateway answered) */
  failedConnects: number;
  /** the newest version each watcher ended with, per lot */
  finalHeads: Record<string, number[]>;
};

export type WorkloadResult = {
  seed: number;
  startedAt: number;
  endedAt: number;
  lots: LotPlan[];
  requests: RequestRecord[];
  bids: BidRecord[];
  bidders: { synthetic: number; real: number; realFailed: number };
  watchers: WatcherStats;
  adminUserId: string;
};

/** An answer's body, read loosely (the workload looks at a few fields of many shapes). */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = any;

const RETRYABLE = (status: number) => status === 0 || status === 429 || status >= 500;

export function createClient(sys: ChaosSystem, r: Rng, startedAt: number, retryBudgetMs: number) {
  const requests: RequestRecord[] = [];
  let rr = 0;

  /**
   * One logical request: on a network error, 5xx or 429 it is sent again, identical (same key), to
   * the next gateway, with backoff, until a definite answer or the budget is spent (status 0 then).
   */
  async function call(
    op: string,
    method: string,
    path: string,
    o: { token?: string; body?: unknown; key?: string; budgetMs?: number } = {},
  ): Promise<{ status: number; json: Json; attempts: number; headers?: Headers }> {
    const deadline = Date.now() + (o.budgetMs ?? retryBudgetMs);
    let gw = rr++ % sys.gateways.length;
    for (let attempt = 1; ; attempt++) {
      const t0 = Date.now();
      const headers: Record<string, string> = {};
      if (o.key) headers["idempotency-key"] = o.key;
      if (o.body !== undefined) headers["content-type"] = "application/json";
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let status = 0;
      let json: Json = null;
      let error: string | undefined;
      let resHeaders: Headers | undefined;
      try {
        const res = await fetch(`${sys.gateways[gw]}${path}`, {
          method,
          headers,
          body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        status = res.status;
        resHeaders = res.headers;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = { raw: text.slice(0, 200) };
        }
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        error = e.cause?.code ?? e.cause?.message ?? e.name ?? String(err);
      }
      const rec: RequestRecord = {
        t: t0 - startedAt,
        op,
        method,
        path,
        gateway: gw,
        attempt,
        status,
        ms: Date.now() - t0,
      };
      if (o.key) rec.key = o.key;
      if (json && typeof json === "object" && typeof json.code === "string") rec.code = json.code;
      if (error) rec.error = error;
      requests.push(rec);
      if (!RETRYABLE(status) || Date.now() > deadline)
        return { status, json, attempts: attempt, ...(resHeaders ? { headers: resHeaders } : {}) };
      // the next instance, after a backoff with jitter
      gw = (gw + 1) % sys.gateways.length;
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + r.next()));
    }
  }
  return { call, requests };
}
export type Client = ReturnType<typeof createClient>;

/** Lots on distinct demo artworks, starting and ending at planned moments of the run. */
async function createLots(
  client: Client,
  r: Rng,
  adminToken: string,
  o: { lots: number; durationMs: number; t0: number; busy: Set<string> },
): Promise<LotPlan[]> {
  const list = await client.call("listArtworks", "GET", "/api/catalog/v1/artworks?limit=100");
  if (list.status !== 200) throw new Error(`listing artworks: ${list.status}`);
  // Artworks without a live lot (the launcher's demo data lists some): one live lot per artwork.
  const artworks = (list.json.items as { id: string }[]).map((a) => a.id).filter((id) => !o.busy.has(id));
  if (artworks.length < o.lots) throw new Error(`only ${artworks.length} artworks for ${o.lots} lots`);
  const plans: LotPlan[] = [];
  const D = o.durationMs;
  for (let i = 0; i < o.lots; i++) {
    // Every fifth lot opens during the run; ends spread from 30 % to 90 % of the run.
    const lateStart = i % 5 === 4;
    const startsAt = o.t0 + 4_000 + (lateStart ? Math.floor(D * (0.15 + 0.15 * r.next())) : 0);
    const endsAt = Math.max(startsAt + 15_000, o.t0 + Math.floor(D * (0.3 + (0.6 * (i + 1)) / o.lots)));
    const startPrice = r.pick([10_000, 50_000, 100_000, 500_000, 1_000_000]);
    const kind = i % 10;
    const body: Record<string, unknown> = {
      artworkId: artworks[i]!,
      startPrice,
      softCloseSeconds: r.int(2, 5),
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
    };
    if (kind === 3) body.reservePrice = startPrice * 3; // may or may not be met
    if (kind === 6) body.reservePrice = startPrice * 1000; // not met: UNSOLD
    if (kind === 8) body.buyNowPrice = startPrice * 20;
    const res = await client.call("createLot", "POST", "/api/auction/v1/admin/lots", {
      token: adminToken,
      body,
    });
    if (res.status !== 201) throw new Error(`creating a lot: ${res.status} ${JSON.stringify(res.json)}`);
    const plan: LotPlan = {
      lotId: res.json.lotId,
      artworkId: artworks[i]!,
      startsAt,
      endsAt,
      startPrice,
      // the last lot gets no bids (UNSOLD, NO_BIDS); a late-starting one is cancelled before its start
      biddable: i !== o.lots - 1 && !(lateStart && i === 4),
    };
    if (lateStart && i === 4) plan.cancelAt = o.t0 + Math.floor(D * 0.1);
    plans.push(plan);
  }
  return plans;
}

/**
 * A synthetic bidder: a token minted with the launcher's signing key, a funded bank account opened
 * over the signed bank RPC as "users", and the bank-link event published on the USER stream as the
 * user service's relay does. Both steps are idempotent (account key, event id), so they are retried
 * through any outage.
 */
async function syntheticBidder(sys: ChaosSystem, n: number, budgetMs = 90_000): Promise<Bidder> {
  const userId = randomUUID();
  const eventId = randomUUID();
  const deadline = Date.now() + budgetMs;
  for (;;) {
    try {
      const account = await callRpc(
        sys.bus,
        bank.OpenAccount,
        {
          holderName: `Chaos bidder ${n}`,
          pin: "2580",
          openingBalance: 1_000_000_000_000,
          key: `chaos-open-${userId}`,
        },
        { credentials: { service: "users", secret: sys.secrets.users! }, timeoutMs: 5_000 },
      );
      const event = users.BankAccountLinkedV1.parse({
        id: eventId,
        type: users.BankAccountLinkedV1.shape.type.value,
        occurredAt: new Date().toISOString(),
        correlationId: `chaos-${sys.tag}-bidder-${n}`,
        data: { userId, accountId: account.accountId, accountNumber: account.number, demo: true },
      });
      const h = natsHeaders();
      h.set("Correlation-Id", event.correlationId!);
      await sys.bus.js.publish(sys.bus.subject(event.type), JSON.stringify(event), {
        msgID: event.id,
        headers: h,
      });
      const token = await sys.signer.sign({ sub: userId, role: "USER", sid: randomUUID(), ev: true });
      return { userId, token };
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

/** A person: code by email → confirm → sign up → log in → open a demo bank account → top it up. */
async function realUser(sys: ChaosSystem, client: Client, n: number, budgetMs: number): Promise<Bidder> {
  const email = `chaos${n}.${sys.tag}@example.com`;
  const password = `chaos-${n}-passphrase-77`;
  const deadline = Date.now() + budgetMs;
  const seen = new Set<unknown>();
  /** The emailed-code proof: asked for again when a code or the proof is lost (a killed instance, Redis). */
  async function verify(): Promise<string> {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${email}: no verification within the budget`);
      const req = await client.call("requestEmailCode", "POST", "/api/users/v1/email-verifications", {
        body: { email, locale: n % 2 ? "ko" : "en" },
      });
      if (req.status === 429) {
        await sleep(Number(req.headers?.get("retry-after") ?? 5) * 1000);
      } else if (req.status !== 202) throw new Error(`${email}: code request ${req.status}`);
      const mail = await sys.smtp
        .waitFor((m) => m.to.includes(email) && /\b\d{6}\b/.test(m.text) && !seen.has(m), 30_000)
        .catch(() => null);
      if (!mail) continue;
      seen.add(mail);
      const code = /\b(\d{6})\b/.exec(mail.text)![1];
      const conf = await client.call(
        "confirmEmailCode",
        "POST",
        "/api/users/v1/email-verifications/confirm",
        {
          body: { email, code },
        },
      );
      if (conf.status === 200) return conf.json.verificationToken;
    }
  }
  for (;;) {
    const signUp = await client.call("signUp", "POST", "/api/users/v1/users", {
      body: {
        email,
        password,
        username: `Chaos ${n}`,
        birth: "1985-06-01",
        gender: "X",
        phoneNumber: "010-2222-3333",
        postcode: "04524",
        address: "서울특별시 중구 세종대로 110",
        verificationToken: await verify(),
      },
    });
    // 409: the first attempt went through and its answer was lost.
    if (signUp.status === 201 || signUp.json?.code === "EMAIL_ALREADY_REGISTERED") break;
    if (signUp.json?.code !== "VERIFICATION_INVALID")
      throw new Error(`${email}: sign-up ${signUp.status} ${signUp.json?.code}`);
    // The single-use proof was spent by an attempt whose answer was lost (then the account exists), or
    // lost with Redis (then it does not): sign in, or prove the email again.
    const probe = await client.call("login", "POST", "/api/users/v1/auth/login", {
      body: { email, password },
    });
    if (probe.status === 200) break;
  }
  const bidder = await login(client, { email, password });
  const demo = await client.call("openDemoBankAccount", "POST", "/api/users/v1/me/bank-account/demo", {
    token: bidder.token,
    body: { pin: "1357" },
    key: `chaos-demo-${sys.tag}-${n}`,
  });
  if (demo.status !== 201) throw new Error(`${email}: demo account ${demo.status} ${demo.json?.code}`);
  const top = await client.call("topUpBankAccount", "POST", "/api/users/v1/me/bank-account/top-up", {
    token: bidder.token,
    body: { amount: 5_000_000_000 },
    key: `chaos-topup-${sys.tag}-${n}`,
  });
  if (top.status !== 200) throw new Error(`${email}: top-up ${top.status} ${top.json?.code}`);
  return bidder;
}

async function login(client: Client, cred: { email: string; password: string }): Promise<Bidder> {
  const res = await client.call("login", "POST", "/api/users/v1/auth/login", { body: cred });
  if (res.status !== 200) throw new Error(`${cred.email}: login ${res.status} ${res.json?.code}`);
  return { userId: res.json.user.id, token: res.json.accessToken, real: cred };
}

/** WebSocket watchers of /api/live: each follows a few lots, checks versions, reconnects elsewhere. */
function startWatchers(sys: ChaosSystem, r: Rng, lots: LotPlan[], count: number, tokens: () => string[]) {
  const stats: WatcherStats = {
    sockets: 0,
    reconnects: 0,
    messages: 0,
    snapshots: 0,
    lotMessages: 0,
    gaps: [],
    closeCodes: {},
    failedConnects: 0,
    finalHeads: {},
  };
  let stopping = false;
  const watchers: { heads: Map<string, number>; ws?: WebSocket }[] = [];
  for (let i = 0; i < count; i++) {
    const picked = new Set<string>();
    const want = Math.min(lots.length, r.int(2, 6));
    while (picked.size < want) picked.add(r.pick(lots).lotId);
    const w: { heads: Map<string, number>; ws?: WebSocket } = { heads: new Map() };
    watchers.push(w);
    const authed = i % 2 === 0;
    let gw = i % sys.gateways.length;
    const connect = () => {
      if (stopping) return;
      const ws = new WebSocket(`${sys.gateways[gw]!.replace("http", "ws")}/api/live`);
      w.ws = ws;
      stats.sockets++;
      ws.on("open", () => {
        const t = tokens();
        if (authed && t.length) ws.send(JSON.stringify({ type: "auth", token: t[i % t.length] }));
        ws.send(
          JSON.stringify({
            type: "subscribe",
            lots: [...picked].map((lotId) =>
              w.heads.has(lotId) ? { lotId, sinceVersion: w.heads.get(lotId) } : { lotId },
            ),
          }),
        );
      });
      ws.on("message", (data) => {
        stats.messages++;
        let m: { type: string; lotId?: string; version?: number };
        try {
          m = JSON.parse(String(data));
        } catch {
          return;
        }
        if (!m.lotId || typeof m.version !== "number") return;
        if (m.type === "snapshot") {
          stats.snapshots++;
          w.heads.set(m.lotId, m.version);
        } else if (m.type === "lot") {
          stats.lotMessages++;
          const head = w.heads.get(m.lotId);
          if (head !== undefined && m.version !== head + 1)
            stats.gaps.push({ lotId: m.lotId, head, got: m.version });
          w.heads.set(m.lotId, Math.max(head ?? 0, m.version));
        }
      });
      let opened = false;
      ws.on("open", () => {
        opened = true;
      });
      ws.on("error", () => {});
      ws.on("close", (code) => {
        if (stopping) return;
        if (opened) stats.closeCodes[code] = (stats.closeCodes[code] ?? 0) + 1;
        else stats.failedConnects++;
        stats.reconnects++;
        gw = (gw + 1) % sys.gateways.length;
        setTimeout(connect, 200 + Math.floor(r.next() * 800));
      });
    };
    connect();
  }
  return {
    stats,
    async stop() {
      stopping = true;
      for (const w of watchers) {
        for (const [lotId, v] of w.heads) stats.finalHeads[lotId] = [...(stats.finalHeads[lotId] ?? []), v];
        w.ws?.terminate();
      }
    },
  };
}

/**
 * Sets up lots and bidders (before any fault), then runs the workload for `durationMs`: bidding
 * loops, late bidders and real users joining, an admin cancelling a lot, watchers. Resolves when every
 * bid has a definite answer (or its budget is spent). `onReady` runs when setup is done (start chaos
 * there).
 */
export async function runWorkload(
  sys: ChaosSystem,
  o: WorkloadOptions,
  hooks: { onReady?: () => void | Promise<void> } = {},
) {
  const log = o.log ?? (() => {});
  const r = rng(o.seed);
  const startedAt = Date.now();
  const client = createClient(sys, r, startedAt, o.retryBudgetMs ?? 120_000);
  const adminToken = await sys.signer.sign({
    sub: sys.admin.userId,
    role: "ADMIN",
    sid: randomUUID(),
    ev: true,
  });

  // Setup (no faults yet): synthetic bidders, then lots timed from the run's start.
  const bidders: Bidder[] = [];
  for (let i = 0; i < o.syntheticBidders; i += 8)
    bidders.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(8, o.syntheticBidders - i) }, (_, k) => syntheticBidder(sys, i + k)),
      )),
    );
  const ids = bidders.map((b) => b.userId);
  for (const deadline = Date.now() + 120_000; ; ) {
    const [row] = await sys.sql<{ n: number }>(
      "select count(*)::int as n from auction.bidder where bank_account_id is not null and user_id = any($1::uuid[])",
      [ids],
    );
    if (row!.n === ids.length) break;
    if (Date.now() > deadline) throw new Error(`the auction knows ${row!.n} of ${ids.length} bidders`);
    await sleep(300);
  }
  const t0 = Date.now();
  const busy = new Set(
    (
      await sys.sql<{ artwork_id: string }>(
        "select artwork_id from auction.lot where status not in ('SOLD', 'UNSOLD', 'CANCELLED')",
      )
    ).map((l) => l.artwork_id),
  );
  const lots = await createLots(client, r, adminToken, { lots: o.lots, durationMs: o.durationMs, t0, busy });
  log(
    `workload: ${bidders.length} bidders, ${lots.length} lots; running ${Math.round(o.durationMs / 1000)} s`,
  );
  const views = new Map<string, LotView>(
    lots.map((p) => [
      p.lotId,
      { plan: p, nextMinimum: p.startPrice, endsAt: p.endsAt, final: false, cancelled: false },
    ]),
  );
  const endAt = t0 + o.durationMs;
  const bids: BidRecord[] = [];
  let keySeq = 0;
  const watchers = startWatchers(sys, r, lots, o.watchers, () => bidders.map((b) => b.token));
  await hooks.onReady?.();

  async function bid(bidder: Bidder, view: LotView, amount: number, maxAmount: number | null, key?: string) {
    const rec: BidRecord = {
      key: key ?? `chaos-${o.seed}-${sys.tag}-${++keySeq}`,
      lotId: view.plan.lotId,
      userId: bidder.userId,
      amount,
      maxAmount,
      attempts: 0,
      answers: [],
      unanswered: false,
    };
    bids.push(rec);
    await send(bidder, rec);
    return rec;
  }

  async function send(bidder: Bidder, rec: BidRecord, budgetMs?: number) {
    const body =
      rec.maxAmount !== null ? { amount: rec.amount, maxAmount: rec.maxAmount } : { amount: rec.amount };
    for (let relogins = 0; ; relogins++) {
      const res = await client.call("placeBid", "POST", `/api/auction/v1/lots/${rec.lotId}/bids`, {
        token: bidder.token,
        body,
        key: rec.key,
        ...(budgetMs ? { budgetMs } : {}),
      });
      rec.attempts += res.attempts;
      // A person's access token expired: sign in again and send the same key.
      if (res.status === 401 && bidder.real && relogins < 3) {
        bidder.token = (await login(client, bidder.real)).token;
        continue;
      }
      if (RETRYABLE(res.status)) {
        rec.unanswered = true;
        return res;
      }
      rec.unanswered = false;
      rec.answers.push({
        status: res.status,
        t: Date.now() - startedAt,
        ...(res.json?.code ? { code: res.json.code } : {}),
        ...(res.status === 201 ? { bidId: res.json.bidId } : {}),
      });
      const v = views.get(rec.lotId)!;
      if (res.status === 201) {
        v.nextMinimum = Math.max(v.nextMinimum, res.json.nextMinimum);
        v.endsAt = Date.parse(res.json.endsAt);
        if (res.json.status !== "OPEN") v.final = true;
      } else if (res.json?.code === "BID_TOO_LOW") {
        v.nextMinimum = Math.max(v.nextMinimum, res.json.error?.details?.nextMinimum ?? v.nextMinimum);
      } else if (res.json?.code === "LOT_ENDED") {
        v.final = true;
      }
      return res;
    }
  }

  async function bidLoop(worker: number) {
    const wr = rng(o.seed * 1000 + worker);
    while (Date.now() < endAt) {
      const now = Date.now();
      if (wr.chance(0.12)) {
        await reads(wr);
        continue;
      }
      const open = [...views.values()].filter(
        (v) =>
          v.plan.biddable && !v.final && !v.cancelled && v.plan.startsAt <= now && now < v.endsAt + 1_000,
      );
      // now and then, a bid just after a lot's end (it must be refused)
      const justEnded = [...views.values()].filter(
        (v) => v.plan.biddable && now >= v.endsAt && now < v.endsAt + 3_000,
      );
      const view =
        justEnded.length && wr.chance(0.1) ? wr.pick(justEnded) : open.length ? wr.pick(open) : null;
      if (!view) {
        await sleep(200);
        continue;
      }
      const bidder = wr.pick(bidders);
      const step = incrementAt(view.nextMinimum);
      const amount = view.nextMinimum + step * wr.int(0, 2);
      const maxAmount = wr.chance(0.3) ? amount + step * wr.int(1, 12) : null;
      const rec = await bid(bidder, view, amount, maxAmount);
      // A double submit: the same key and body again must give the same answer.
      if (wr.chance(0.05) && !rec.unanswered) await send(bidder, rec);
      await sleep(wr.int(20, 250));
    }
  }

  async function reads(wr: Rng) {
    const lot = wr.pick(lots);
    const bidder = wr.pick(bidders);
    const choice = wr.int(0, 4);
    if (choice === 0) await client.call("getLot", "GET", `/api/auction/v1/lots/${lot.lotId}`);
    else if (choice === 1) await client.call("listLots", "GET", "/api/auction/v1/lots?limit=20");
    else if (choice === 2)
      await client.call("lotHistory", "GET", `/api/history/v1/lots/${lot.lotId}/bids`, {
        token: bidder.token,
      });
    else if (choice === 3)
      await client.call("myBids", "GET", "/api/history/v1/me/bids", { token: bidder.token });
    else await client.call("getArtwork", "GET", `/api/catalog/v1/artworks/${lot.artworkId}`);
  }

  // People and late bidders join during the run; the admin cancels a lot before its start.
  let realFailed = 0;
  let realOk = 0;
  const joiners = [
    ...Array.from({ length: o.realUsers }, (_, i) =>
      (async () => {
        await sleep(i * 2_000);
        try {
          bidders.push(await realUser(sys, client, i, Math.max(30_000, endAt - Date.now() - 10_000)));
          realOk++;
        } catch (err) {
          realFailed++;
          log(`workload: real user ${i} did not finish: ${(err as Error).message}`);
        }
      })(),
    ),
    (async () => {
      for (let i = 0; i < o.lateBidders; i++) {
        await sleep(Math.floor((o.durationMs * 0.6) / Math.max(1, o.lateBidders)));
        try {
          bidders.push(await syntheticBidder(sys, o.syntheticBidders + i, 120_000));
        } catch (err) {
          log(`workload: late bidder ${i} not created: ${(err as Error).message}`);
        }
      }
    })(),
    ...lots
      .filter((p) => p.cancelAt)
      .map(async (p) => {
        await sleep(p.cancelAt! - Date.now());
        const res = await client.call("cancelLot", "POST", `/api/auction/v1/admin/lots/${p.lotId}/cancel`, {
          token: adminToken,
          body: { reason: "chaos: withdrawn by the house" },
        });
        // 409 after a retry: the first attempt cancelled it and its answer was lost
        if (res.status === 200 || res.json?.code === "LOT_NOT_CANCELLABLE")
          views.get(p.lotId)!.cancelled = true;
        else log(`workload: cancel ${p.lotId} → ${res.status} ${res.json?.code}`);
      }),
  ];
  await Promise.all([...Array.from({ length: o.concurrency }, (_, w) => bidLoop(w)), ...joiners]);

  // Every key without a definite answer is sent again (same key, same body) until it gets one.
  for (const rec of bids.filter((b) => b.unanswered)) {
    const bidder = bidders.find((b) => b.userId === rec.userId)!;
    await send(bidder, rec, 120_000);
  }
  const result: WorkloadResult = {
    seed: o.seed,
    startedAt,
    endedAt: Date.now(),
    lots,
    requests: client.requests,
    bids,
    bidders: { synthetic: bidders.length - realOk, real: realOk, realFailed },
    watchers: watchers.stats,
    adminUserId: sys.admin.userId,
  };
  return { result, stopWatchers: () => watchers.stop() };
}

/** Numbers of a run, for the report. */
export function summarize(w: WorkloadResult) {
  const attempts = w.requests.length;
  const logical = w.requests.filter((r) => r.attempt === 1).length;
  const byStatus: Record<string, number> = {};
  for (const r of w.requests) {
    const k = r.status === 0 ? `net:${r.error ?? "?"}` : String(r.status);
    byStatus[k] = (byStatus[k] ?? 0) + 1;
  }
  const codes: Record<string, number> = {};
  for (const b of w.bids) for (const a of b.answers) if (a.code) codes[a.code] = (codes[a.code] ?? 0) + 1;
  const bidMs = w.requests
    .filter((r) => r.op === "placeBid" && r.status > 0)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const q = (p: number) => bidMs[Math.min(bidMs.length - 1, Math.floor(p * bidMs.length))] ?? 0;
  return {
    requests: logical,
    attempts,
    retries: attempts - logical,
    byStatus,
    bids: w.bids.length,
    accepted: new Set(w.bids.flatMap((b) => b.answers.filter((a) => a.status === 201).map((a) => a.bidId)))
      .size,
    bidAttempts: w.bids.reduce((s, b) => s + b.attempts, 0),
    retriedBids: w.bids.filter((b) => b.attempts > 1).length,
    unanswered: w.bids.filter((b) => b.unanswered).length,
    doubleSubmits: w.bids.filter((b) => b.answers.length > 1).length,
    rejections: codes,
    bidLatencyMs: { p50: q(0.5), p99: q(0.99), max: bidMs[bidMs.length - 1] ?? 0 },
    bidders: w.bidders,
    watchers: {
      sockets: w.watchers.sockets,
      reconnects: w.watchers.reconnects,
      failedConnects: w.watchers.failedConnects,
      closeCodes: w.watchers.closeCodes,
      messages: w.watchers.messages,
      gaps: w.watchers.gaps.length,
    },
  };
}
