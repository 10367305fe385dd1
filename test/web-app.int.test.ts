/**
 * The web app in a real browser (Debian's Chromium driven by playwright-core), against the whole system
 * started by `npm start`'s launcher (own database, NATS prefix, Redis prefix, ports, demo data, and an
 * SMTP server started here). One bidder's journey, with a second bidder and an admin alongside:
 *
 * - sign up with the emailed code → sign in by keyboard → open, unlink and re-link a demo bank account;
 * - browse with cursor paging, search, filter by medium and status, sort → open an artwork, watch it
 *   (my page's watchlist tab, by deep link and by tab) → the artist's page;
 * - on the artwork's live lot: a quick bid with one confirmation; a second bidder (signed up and funded
 *   through the HTTP API) outbids it → price, bid count and history change without a reload and an
 *   outbid toast appears; a custom bid with a proxy maximum, entirely by keyboard (the bid panel's focus
 *   order), whose confirmation shows the premium, both totals and the bank hold → the result says you
 *   lead; the countdown runs on the server's clock (a device clock an hour behind changes nothing) and
 *   counts down;
 * - my page: the bell's unread count → the notifications tab lists the outbid; the bids tab shows the
 *   lot as outbid, then leading; the account tab shows the bank hold;
 * - the app in Korean and English; at 360 px (no sideways scrolling, the menu drawer, the filters);
 * - the admin area: dashboard (today's figures, the live lots), artworks, lots, payments (the demo's
 *   invoices), the bid audit (the lot's accepted and refused attempts, then only the user's) → the
 *   admin suspends the user, whose next sign-in is refused.
 *
 * Every main page, the lot page (with the confirmation open), each tab of my page and each admin page
 * is checked with axe-core (no serious or critical WCAG 2.1 A/AA violations). No page errors and no
 * Content-Security-Policy violations are allowed. Screenshots: test-results/web/.
 *
 * Needs /usr/bin/chromium (`.ci/run` installs it); without it the suite is skipped with a message.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { startSmtpServer, type TestSmtp } from "@arte/testing";
import pg from "pg";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.warn(
    `[web e2e] SKIPPED: ${CHROMIUM} is missing. Install it with \`apt-get install -y chromium\` (.ci/run does); nothing is downloaded by the test.`,
  );

const ROOT = resolve(import.meta.dirname, "..");
const WEB = join(ROOT, "apps/web");
const DIST = join(WEB, "dist");
const SHOTS = join(ROOT, "test-results/web");
const tag = randomBytes(3).toString("hex");
const DATABASE = `arte_web_${tag}`;
const OFFSET = 15_000 + Math.floor(Math.random() * 400) * 10;
const GW = `http://127.0.0.1:${8080 + OFFSET}`;
const ADMIN = { email: `admin-${tag}@arte-moderni.test`, password: "Admin-password-1234" };
const USER = {
  email: `web.${tag}@example.com`,
  password: "a-long-passphrase-42",
  name: `웹테스트 ${tag}`,
  pin: "2580",
};
/** The lot the journey bids on: its figures make the confirmation's arithmetic checkable. */
const LOT = { startPrice: 1_000_000, step: 50_000, premiumBps: 1500, maximum: 3_000_000 };
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let smtp: TestSmtp;
let launcher: ChildProcess;
let browser: Browser;
const output: string[] = [];
const pageErrors: string[] = [];
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Won as the app writes it (ko and en alike): ₩1,234,000. */
const won = (n: number) => `₩${n.toLocaleString("en-US")}`;
/** The buyer's premium on a price, rounded up to a won (the auction service's rule). */
const premiumOf = (price: number) => Math.ceil((price * LOT.premiumBps) / 10_000);

/** The newest modification time under a directory (to rebuild a stale dist). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function buildWebIfNeeded() {
  const index = join(DIST, "index.html");
  const sources = Math.max(newest(join(WEB, "src")), statSync(join(WEB, "index.html")).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  // vitest sets NODE_ENV=test, which would make vite bundle React's development build
  const r = spawnSync("npm", ["run", "build", "-w", "@arte/web"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

async function newContext(opts: { width?: number; height?: number } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    locale: "ko-KR",
    timezoneId: "Asia/Seoul",
  });
  // a loaded two-core machine: generous, but bounded, waits for elements
  ctx.setDefaultTimeout(20_000);
  ctx.on("page", (p) => watch(p));
  return ctx;
}

function watch(page: Page) {
  page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) pageErrors.push(`${page.url()}: ${m.text()}`);
  });
}

async function shot(page: Page, name: string) {
  await page.evaluate("document.fonts.ready");
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/** axe-core on the current page: no serious or critical violations of WCAG 2.1 A/AA rules. */
async function expectAccessible(page: Page, name: string) {
  await page.evaluate("document.fonts.ready");
  // A menu closed by the click that got us here stays in the page, emptied, for its closing
  // transition; axe would judge that transient menu (aria-required-children). Let it go first.
  await page
    .locator('[role="menu"]')
    .first()
    .waitFor({ state: "detached", timeout: 5_000 })
    .catch(() => {});
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(axeSource);
  const result = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })",
  )) as {
    violations: {
      id: string;
      impact: string;
      help: string;
      nodes: { target: string[]; html: string; failureSummary?: string }[];
    }[];
  };
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${name}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
  expect(bad).toEqual([]);
}

async function expectNoHorizontalScroll(page: Page) {
  const [scroll, client] = (await page.evaluate(
    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
  )) as [number, number];
  expect(scroll).toBeLessThanOrEqual(client);
}

/** expect.poll with waits fit for a loaded two-core machine (vitest's default gives up after 1 s). */
function poll<T>(fn: () => T | Promise<T>, opts: { timeout?: number; interval?: number } = {}) {
  return expect.poll(fn, { timeout: 15_000, interval: 250, ...opts });
}

/** Whether the element has the keyboard focus (polled: focus moves after the key's handlers ran). */
async function expectFocused(locator: Locator) {
  await poll(() => locator.evaluate((el) => el === el.ownerDocument.activeElement), { timeout: 5000 }).toBe(
    true,
  );
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "01:02:03" / "02:03" / "1d 01:02:03" → seconds. */
function durationSeconds(text: string): number {
  const m = /^(?:(\d+)d )?(?:(\d+):)?(\d+):(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`not a countdown: ${text}`);
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

async function waitForGateway(timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${GW}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the gateway at ${GW} does not answer:\n${output.slice(-40).join("\n")}`);
}

type ApiOptions = { body?: unknown; token?: string; headers?: Record<string, string> };

async function api(method: string, path: string, opts: ApiOptions = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${GW}${path}`, {
    method,
    headers,
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** A second bidder, signed up through the gateway with the emailed code and a funded, linked demo account. */
async function signUpBidder(who: string) {
  const email = `${who}.${tag}@example.com`;
  const password = `${who}-passphrase-77`;
  const asked = await api("POST", "/api/users/v1/email-verifications", { body: { email } });
  expect(asked.status, JSON.stringify(asked.json)).toBe(202);
  const mail = await smtp.waitFor((m) => m.to.includes(email) && /\b\d{6}\b/.test(m.text), 20_000);
  const code = /\b(\d{6})\b/.exec(mail.text)![1];
  const confirmed = await api("POST", "/api/users/v1/email-verifications/confirm", { body: { email, code } });
  expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
  const created = await api("POST", "/api/users/v1/users", {
    body: {
      email,
      password,
      username: who,
      birth: "1985-06-01",
      gender: "X",
      phoneNumber: "010-2222-3333",
      postcode: "04524",
      address: "서울특별시 중구 세종대로 110",
      verificationToken: confirmed.json.verificationToken,
    },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const login = await api("POST", "/api/users/v1/auth/login", { body: { email, password } });
  expect(login.status, JSON.stringify(login.json)).toBe(200);
  const token: string = login.json.accessToken;
  const demo = await api("POST", "/api/users/v1/me/bank-account/demo", {
    token,
    body: { pin: "1357" },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(demo.status, JSON.stringify(demo.json)).toBe(201);
  return { email, token };
}

/** A bid through the HTTP API; the auction learns of a new bank link by event, so the first may wait for it. */
async function apiBid(lotId: string, token: string, body: { amount: number; maxAmount?: number }) {
  const key = randomUUID();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await api("POST", `/api/auction/v1/lots/${lotId}/bids`, {
      token,
      body,
      headers: { "idempotency-key": key },
    });
    if (r.json?.code !== "NO_LINKED_ACCOUNT" || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 300));
  }
}

describe.skipIf(!HAVE_CHROMIUM)("the web app in a real browser", () => {
  let user: BrowserContext;
  let page: Page;
  let accountNumber = "";
  let watchedTitle = "";
  let watchedId = "";
  let watchedArtist = "";
  let lotId = "";
  let alias = "";
  /** The bank hold of the bid with the maximum (what my page shows as held). */
  let hold = 0;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildWebIfNeeded();
    smtp = await startSmtpServer();
    launcher = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_NAME: DATABASE,
        NATS_PREFIX: `w${tag}`,
        REDIS_PREFIX: `web:${tag}:`,
        PORT_OFFSET: String(OFFSET),
        GATEWAY_HOST: "127.0.0.1",
        SMTP_URL: smtp.url,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: "warn",
        DATA_DIR: `.data/web-${tag}`,
        WEB_DIST: DIST,
        // the demo's closing lots sell soon after start: the admin's payments page has invoices
        DEMO_CLOSING_SECONDS: "20",
        // one browser, its second bidder and the admin all come from 127.0.0.1 within a few minutes
        RATE_LIMIT_DEFAULT: "100000",
        RATE_LIMIT_AUTH: "100000",
        RATE_LIMIT_EMAIL: "100000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((res, rej) => {
      const t = setTimeout(
        () => rej(new Error(`launcher not ready:\n${output.slice(-40).join("\n")}`)),
        240_000,
      );
      for (const s of [launcher.stdout!, launcher.stderr!]) {
        createInterface({ input: s }).on("line", (l) => {
          output.push(l);
          if (l.includes("Press Ctrl-C")) {
            clearTimeout(t);
            res();
          }
        });
      }
      launcher.once("exit", (code) =>
        rej(new Error(`launcher exited ${code}:\n${output.slice(-40).join("\n")}`)),
      );
    });
    // every process answered once; wait until the gateway still does (the launcher restarts a dead one)
    await waitForGateway(60_000);
    // playwright gives every launch a fresh temporary --user-data-dir
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    user = await newContext();
    page = await user.newPage();
  }, 420_000);

  // a failed step leaves a screenshot of where the user's page was
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== "fail" || !page || page.isClosed()) return;
    const name = ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, "-").slice(0, 60);
    await page.screenshot({ path: join(SHOTS, `failed-${name}.png`) }).catch(() => undefined);
  });

  afterAll(async () => {
    writeFileSync(join(SHOTS, "launcher.log"), `${output.join("\n")}\n`);
    await browser?.close();
    if (launcher && launcher.exitCode === null) {
      const exited = new Promise<number | null>((r) => launcher.once("exit", (c) => r(c)));
      launcher.kill("SIGINT");
      await exited;
    }
    await smtp?.close();
    const c = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
    await c.connect();
    await c.query(`drop database if exists "${DATABASE}" with (force)`);
    await c.end();
  }, 60_000);

  it("keeps the initial JavaScript within 250 KB gzipped", () => {
    const r = spawnSync(process.execPath, [join(WEB, "scripts/check-bundle.mjs")], { encoding: "utf8" });
    expect(r.stdout).toContain("check-bundle: ok");
    expect(r.status).toBe(0);
  });

  it("serves the app in Korean by default, with a skip link for keyboards", async () => {
    await page.goto(`${GW}/`);
    await poll(() => page.locator("html").getAttribute("lang")).toBe("ko");
    await page.getByRole("heading", { level: 1, name: "지금, 작품을 만나는 시간" }).waitFor();
    await page.getByRole("heading", { name: "신작" }).waitFor();
    await page.locator("main img").first().waitFor();
    await shot(page, "home-ko");
    await expectAccessible(page, "home");
    // the first Tab reaches the skip link; Enter moves focus into the page
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toBe("본문으로 건너뛰기");
    await page.keyboard.press("Enter");
    await poll(() => page.evaluate("document.activeElement.id")).toBe("main");
  }, 60_000);

  it("signs up with the emailed code, validating fields with the contract's rules", async () => {
    await page.goto(`${GW}/register`);
    await page.getByRole("heading", { name: "회원가입" }).waitFor();
    await expectAccessible(page, "register");
    await page.getByLabel("이메일").fill(USER.email);
    await page.getByRole("button", { name: "인증번호 받기" }).click();
    const mail = await smtp.waitFor((m) => m.to.includes(USER.email), 20_000);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.getByText(`${USER.email}로 인증번호를 보냈습니다.`).waitFor();
    // the resend button waits out its cooldown; the code shows its expiry
    expect(await page.getByRole("button", { name: /초 후 다시 받을 수 있습니다/ }).isDisabled()).toBe(true);
    await page.getByText(/남은 시간 \d\d:\d\d/).waitFor();
    await page.getByLabel("인증번호 6자리").fill(code!);
    await page.getByRole("button", { name: "인증하기" }).click();
    await page.getByText(`이메일이 인증되었습니다: ${USER.email}`).waitFor();

    // Mantine adds a required asterisk to labels: the first "비밀번호" field is the password itself
    await page.getByLabel("비밀번호").first().fill(USER.password);
    await page.getByLabel("비밀번호 확인").fill(USER.password);
    await page.getByLabel("이름").fill(USER.name);
    await page.getByLabel("생년월일").fill("1991-04-12");
    await page.getByLabel("여성").check();
    await page.getByLabel("휴대폰 번호").fill("12345");
    await page.getByLabel("우편번호").fill("03154");
    await page.getByLabel("주소").first().fill("서울특별시 종로구 세종대로 175");
    await page.getByRole("button", { name: "가입하기" }).click();
    await page.getByText("010-1234-5678 형식의 휴대폰 번호를 입력해 주세요.").waitFor();
    await expectAccessible(page, "register with errors");
    await page.getByLabel("휴대폰 번호").fill("010-1234-5678");
    await page.getByRole("button", { name: "가입하기" }).click();
    await page.waitForURL(/\/login\?registered=1/);
    await page.getByText("가입이 완료되었습니다. 로그인해 주세요.").waitFor();
  }, 60_000);

  it("signs in by keyboard and stays signed in across a reload (refresh cookie)", async () => {
    await expectAccessible(page, "login");
    expect(await page.getByLabel("이메일").inputValue()).toBe(USER.email);
    await page.getByLabel("비밀번호").focus();
    await page.keyboard.type(USER.password);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${GW}/`);
    await page.getByRole("button", { name: `계정 메뉴: ${USER.name}` }).waitFor();
    await page.reload();
    await page.getByRole("button", { name: `계정 메뉴: ${USER.name}` }).waitFor();
    // a plain user is sent away from the admin area
    await page.goto(`${GW}/admin/users`);
    await page.waitForURL(`${GW}/`);
  }, 60_000);

  it("opens a demo bank account, unlinks it and links it back by number and PIN", async () => {
    await page.getByRole("button", { name: `계정 메뉴: ${USER.name}` }).click();
    await page.getByRole("menuitem", { name: "마이페이지" }).click();
    await page.getByRole("heading", { level: 1, name: "마이페이지" }).waitFor();
    await page.getByRole("heading", { name: "데모 계좌 만들기" }).waitFor();
    await expectAccessible(page, "my page (no account)");
    const demo = page.locator("form", { has: page.getByRole("heading", { name: "데모 계좌 만들기" }) });
    await demo.getByLabel("계좌 비밀번호 (4–6자리)").fill(USER.pin);
    await demo.getByRole("button", { name: "데모 계좌 만들기" }).click();
    await poll(() => page.getByTestId("bank-available").textContent()).toBe("₩10,000,000");
    accountNumber = (await page.getByTestId("account-number").textContent()) ?? "";
    expect(accountNumber).toMatch(/^\d{4}-\d{3}-\d{6}$/);
    await page.getByRole("button", { name: "연결 해제" }).click();
    await page.getByRole("button", { name: "확인" }).click();
    const link = page.locator("form", { has: page.getByRole("heading", { name: "보유 계좌 연결" }) });
    await link.getByLabel("계좌번호").fill(accountNumber);
    await link.getByLabel("계좌 비밀번호 (4–6자리)").fill("0000");
    await link.getByRole("button", { name: "계좌 연결" }).click();
    await page.getByText("계좌 비밀번호가 올바르지 않습니다.").waitFor();
    await link.getByLabel("계좌 비밀번호 (4–6자리)").fill(USER.pin);
    await link.getByRole("button", { name: "계좌 연결" }).click();
    await poll(() => page.getByTestId("account-number").textContent()).toBe(accountNumber);
    await shot(page, "my-page-ko");
    await expectAccessible(page, "my page (linked)");
  }, 60_000);

  it("browses with cursor paging, searches, filters by medium and sorts", async () => {
    await page.getByRole("navigation", { name: "주 메뉴" }).getByRole("link", { name: "모든 작품" }).click();
    await page.getByRole("heading", { level: 1, name: "모든 작품" }).waitFor();
    await poll(() => page.getByTestId("result-count").textContent()).toBe("작품 40점");
    const cards = page.locator("main a[href^='/artworks/']");
    await poll(() => cards.count()).toBe(24);
    await page.getByRole("button", { name: "더 보기" }).click();
    await poll(() => cards.count()).toBe(40);
    await expectAccessible(page, "browse");

    await page.getByLabel("작품명, 작가, 설명 검색").fill("Haneul");
    await page.getByRole("button", { name: "검색", exact: true }).click();
    await page.waitForURL(/q=Haneul/, { waitUntil: "commit" });
    await poll(() => page.getByTestId("result-count").textContent()).toBe("작품 6점");
    await page.getByLabel("작품명, 작가, 설명 검색").fill("");
    await page.getByRole("button", { name: "검색", exact: true }).click();
    await page.getByLabel("매체").selectOption("SCULPTURE");
    await page.getByLabel("정렬").selectOption("price_asc");
    await page.waitForURL(/medium=SCULPTURE.*sort=price_asc|sort=price_asc.*medium=SCULPTURE/, {
      waitUntil: "commit",
    });
    await poll(() => page.getByTestId("result-count").textContent()).toBe("작품 6점");
    // the medium's own facets appear, with counts
    expect(await page.getByLabel("테마").locator("option").count()).toBeGreaterThan(1);
    const artists = await page.getByTestId("card-artist").allTextContents();
    expect(new Set(artists)).toEqual(new Set(["이서연"]));
    await shot(page, "browse-ko");
  }, 60_000);

  it("opens an artwork with its gallery, details and estimate, and watches it", async () => {
    // the demo's lots are on the first sixteen works (sculptures among them): clear the filters and
    // pick a work that has never been to auction
    await page.getByRole("button", { name: "필터 초기화" }).click();
    await page.waitForURL((u) => !u.search.includes("medium="), { waitUntil: "commit" });
    // the filters show the cleared state before the next change (it builds on the current filters)
    await poll(() => page.getByLabel("매체").inputValue()).toBe("");
    await poll(() => page.getByTestId("result-count").textContent()).toBe("작품 40점");
    await page.getByLabel("상태").selectOption("NONE");
    await page.waitForURL(/status=NONE/, { waitUntil: "commit" });
    await poll(() => page.getByTestId("result-count").textContent()).toMatch(/^작품 \d+점$/);
    await poll(() => page.getByTestId("result-count").textContent()).not.toBe("작품 40점");
    const first = page.locator("main a[href^='/artworks/']").first();
    await first.waitFor();
    watchedArtist = (await page.getByTestId("card-artist").first().textContent()) ?? "";
    expect(watchedArtist).not.toBe("");
    await first.click();
    await page.getByRole("button", { name: "관심작품 추가" }).waitFor();
    watchedTitle = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
    watchedId = page.url().split("/").pop()!;
    await page.getByText("추정가").first().waitFor();
    await page.getByRole("link", { name: watchedArtist, exact: true }).first().waitFor();
    await page.getByText("아직 경매 일정이 없습니다.", { exact: false }).waitFor();
    await page.getByRole("button", { name: "관심작품 추가" }).click();
    await page.getByRole("button", { name: "관심작품에 추가됨", pressed: true }).waitFor();
    await shot(page, "artwork-ko");
    await expectAccessible(page, "artwork");

    // my page's watchlist tab, by deep link and by the tab itself
    await page.goto(`${GW}/me?tab=watchlist`);
    await page.getByRole("tab", { name: "관심작품", selected: true }).waitFor();
    await page.getByTestId("watchlist").getByText(watchedTitle).waitFor();
    await expectAccessible(page, "my page (watchlist)");
    await page.getByRole("tab", { name: "회원·계좌" }).click();
    await page.waitForURL((u) => !u.search.includes("tab="), { waitUntil: "commit" });
    await page.getByTestId("account-number").waitFor();
    await page.getByRole("tab", { name: "관심작품" }).click();
    await page.waitForURL(/tab=watchlist/, { waitUntil: "commit" });
    await page.getByTestId("watchlist").getByText(watchedTitle).waitFor();

    // the artist page lists their works
    await page.goto(`${GW}/artworks/${watchedId}`);
    await page.getByRole("button", { name: "관심작품에 추가됨", pressed: true }).waitFor();
    await page.getByRole("link", { name: watchedArtist, exact: true }).first().click();
    await page.getByRole("heading", { level: 1, name: watchedArtist }).waitFor();
    await expectAccessible(page, "artist");
  }, 60_000);

  it("bids the next minimum on a live lot with one confirmation", async () => {
    const admin = await api("POST", "/api/users/v1/auth/login", { body: ADMIN });
    const now = Date.now();
    // the watched artwork had no lot (status NONE): schedule one that opens at once
    const lot = await api("POST", "/api/auction/v1/admin/lots", {
      token: admin.json.accessToken,
      body: {
        artworkId: watchedId,
        startPrice: LOT.startPrice,
        increments: [{ upTo: null, step: LOT.step }],
        premiumBps: LOT.premiumBps,
        startsAt: new Date(now + 3000).toISOString(),
        endsAt: new Date(now + 30 * 60_000).toISOString(),
      },
    });
    expect(lot.status, JSON.stringify(lot.json)).toBe(201);
    lotId = lot.json.lotId;
    await poll(async () => (await api("GET", `/api/catalog/v1/artworks/${watchedId}`)).json.auction?.status, {
      timeout: 30_000,
    }).toBe("OPEN");
    await page.goto(`${GW}/artworks/${watchedId}`);
    const panel = page.getByRole("region", { name: "입찰", exact: true });
    await panel.getByText("경매 중").first().waitFor();
    await poll(() => panel.getByTestId("current-price").textContent()).toBe(won(LOT.startPrice));
    await panel.getByRole("button", { name: `${won(LOT.startPrice)} 입찰하기` }).click();
    const dialog = page.getByRole("dialog", { name: "입찰 확인" });
    await poll(() => dialog.getByTestId("bid-hold").textContent()).toBe(
      won(LOT.startPrice + premiumOf(LOT.startPrice)),
    );
    await dialog.getByRole("button", { name: "입찰하기" }).click();
    await panel
      .getByRole("status")
      .filter({ hasText: `입찰했습니다. ${won(LOT.startPrice)}에 최고 입찰자입니다.` })
      .waitFor();
    await dialog.waitFor({ state: "hidden" });
    await panel.getByText(/입찰 1회 · 최고 입찰자입니다/).waitFor();
    alias = /내 입찰자 이름: (.+)$/.exec(
      (await panel.getByText(/^내 입찰자 이름: /).textContent()) ?? "",
    )![1]!;
    // the history lists the bid by the bidder's alias, marked as mine
    const history = page.getByTestId("bid-history");
    await history
      .getByRole("row", { name: new RegExp(`${escapeRegExp(alias)}.*${escapeRegExp(won(LOT.startPrice))}`) })
      .waitFor();
    await shot(page, "artwork-bid-ko");
  }, 60_000);

  it("shows another bidder's bid live: price, count and history change without a reload, and an outbid toast", async () => {
    const rival = await signUpBidder("rival");
    const panel = page.getByRole("region", { name: "입찰", exact: true });
    // a marker that survives only as long as this document does
    await page.evaluate("window.__sameDocument = true");

    // a refused attempt first (the audit lists it), then the rival's accepted bid at the next minimum
    const low = await apiBid(lotId, rival.token, { amount: LOT.startPrice });
    expect(low.json?.code, JSON.stringify(low.json)).toBe("BID_TOO_LOW");
    const second = LOT.startPrice + LOT.step;
    const accepted = await apiBid(lotId, rival.token, { amount: second });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(201);

    await poll(() => panel.getByTestId("current-price").textContent(), { timeout: 20_000 }).toBe(won(second));
    await panel.getByText(/^입찰 2회 · 최고 입찰자: /).waitFor();
    const toast = page.getByRole("alert").filter({ hasText: "다른 입찰자가 앞섰습니다" });
    await toast.waitFor();
    await poll(() => toast.textContent()).toContain(
      `현재가 ${won(second)}, 최소 입찰가 ${won(second + LOT.step)}`,
    );
    // the toast closes by its own button (it would also close itself after a while)
    await toast.getByRole("button", { name: "닫기 · Close" }).click();
    await toast.waitFor({ state: "detached" });
    await panel.getByText("다른 입찰자가 앞서 있습니다. 다시 입찰하세요.").waitFor();
    await poll(() => page.getByTestId("bid-history").locator("tbody tr").count()).toBe(2);
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    await shot(page, "artwork-outbid-ko");

    // my page (another tab of the same browser) shows the lot as outbid
    const mine = await user.newPage();
    await mine.goto(`${GW}/me?tab=bids`);
    await mine.getByRole("tab", { name: "내 입찰", selected: true }).waitFor();
    const row = mine.getByTestId("my-bid").filter({ hasText: watchedTitle });
    await poll(
      async () => {
        const state = await row.getAttribute("data-state", { timeout: 5000 }).catch(() => null);
        if (state !== "OUTBID") await mine.reload();
        return state;
      },
      { timeout: 30_000, interval: 2000 },
    ).toBe("OUTBID");
    await row.getByText("추월됨").waitFor();
    await row.getByRole("link", { name: "다시 입찰하기" }).waitFor();
    await expectAccessible(mine, "my page (bids)");
    await mine.close();
  }, 90_000);

  it("bids with a maximum by keyboard: focus order, confirmation with premium, totals and hold, then leads", async () => {
    const panel = page.getByRole("region", { name: "입찰", exact: true });
    const next = LOT.startPrice + 2 * LOT.step;
    await panel
      .getByText("최소 입찰가")
      .filter({ hasText: won(next) })
      .waitFor();
    const quick = panel.getByTestId("quick-bid");
    const toggle = panel.getByRole("button", { name: "금액 직접 입력 · 최대 입찰가 설정" });
    const amount = panel.getByRole("textbox", { name: "입찰 금액" });
    const maximum = panel.getByRole("textbox", { name: "최대 입찰가 (선택)" });
    const review = panel.getByRole("button", { name: "입찰 검토" });

    // quick bid → the custom form's toggle; the collapsed form's fields are not in the tab order
    await quick.focus();
    await page.keyboard.press("Tab");
    await expectFocused(toggle);
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    await page.keyboard.press("Tab");
    expect(await amount.isVisible()).toBe(false);
    const inForm = await panel.evaluate((el) => {
      const a = el.ownerDocument.activeElement;
      return a !== null && el.contains(a) && a.tagName === "INPUT";
    });
    expect(inForm).toBe(false);
    await page.keyboard.press("Shift+Tab");
    await expectFocused(toggle);
    // open it: amount → maximum → review, in reading order
    await page.keyboard.press("Enter");
    await poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
    await amount.waitFor({ state: "visible" });
    await page.keyboard.press("Tab");
    await expectFocused(amount);
    await page.keyboard.press("Tab");
    await expectFocused(maximum);
    await page.keyboard.type(String(LOT.maximum));
    await page.keyboard.press("Tab");
    await expectFocused(review);
    await page.keyboard.press("Enter");

    // the confirmation: amount (the next minimum), maximum, premium, both totals and the hold
    const dialog = page.getByRole("dialog", { name: "입찰 확인" });
    const submit = dialog.getByRole("button", { name: "입찰하기" });
    await expectFocused(submit);
    const row = (name: string | RegExp) => dialog.getByRole("row", { name });
    hold = LOT.maximum + premiumOf(LOT.maximum);
    await poll(() => row(/^입찰 금액/).textContent()).toContain(won(next));
    await poll(() => row(/^최대 입찰가 ₩/).textContent()).toContain(won(LOT.maximum));
    await poll(() => row("구매 수수료 (15%)").textContent()).toContain(won(premiumOf(next)));
    await poll(() => row(/^이 금액에 낙찰 시 결제액/).textContent()).toContain(won(next + premiumOf(next)));
    await poll(() => row(/^최대 입찰가에 낙찰 시 결제액/).textContent()).toContain(won(hold));
    await poll(() => dialog.getByTestId("bid-hold").textContent()).toBe(won(hold));
    await dialog.getByText("입찰하면 이 금액이 연결된 계좌에 보류됩니다.", { exact: false }).waitFor();
    await shot(page, "artwork-confirm-ko");
    await expectAccessible(page, "lot page (confirmation)");

    await page.keyboard.press("Enter");
    const result = panel
      .getByRole("status")
      .filter({ hasText: `입찰했습니다. ${won(next)}에 최고 입찰자입니다.` });
    await result.waitFor();
    await result.getByText(`내 최대 입찰가: ${won(LOT.maximum)}`).waitFor();
    await dialog.waitFor({ state: "hidden" });
    await poll(() => panel.getByTestId("current-price").textContent()).toBe(won(next));
    await panel.getByText(/^입찰 3회 · 최고 입찰자입니다/).waitFor();
    // leading with a maximum: the panel offers to raise it instead of bidding again
    await panel.getByRole("button", { name: "최대 입찰가 올리기 검토" }).waitFor();
    expect(await quick.count()).toBe(0);
    await shot(page, "artwork-leading-ko");
    await expectAccessible(page, "lot page");
  }, 60_000);

  it("counts down to the close on the server's clock, whatever the device's clock says", async () => {
    const lot = await api("GET", `/api/auction/v1/lots/${lotId}`);
    const endsAt = Date.parse(lot.json.endsAt);
    // a visitor whose device clock is an hour behind
    const ctx = await newContext();
    await ctx.clock.install({ time: Date.now() - 3_600_000 });
    const p = await ctx.newPage();
    await p.goto(`${GW}/artworks/${watchedId}`);
    const timer = p.getByRole("timer");
    await timer.waitFor();
    const expected = () => (endsAt - Date.now()) / 1000;
    // once the clock reading arrived, the time left is the server's (the device's would be an hour more)
    await poll(async () => Math.abs(durationSeconds((await timer.textContent()) ?? "") - expected()), {
      timeout: 15_000,
    }).toBeLessThan(10);
    const before = durationSeconds((await timer.textContent()) ?? "");
    await poll(async () => durationSeconds((await timer.textContent()) ?? ""), {
      timeout: 10_000,
    }).toBeLessThan(before);
    // anyone sees the lot; bidding asks to sign in
    await p.getByRole("link", { name: "로그인하고 입찰하기" }).waitFor();
    await expectAccessible(p, "lot page (signed out)");
    await ctx.close();
  }, 60_000);

  it("my page: the bell counts the outbid notice, the tabs list it, the bid now leads, the hold is on the account", async () => {
    await page.goto(`${GW}/`);
    // the bell's count is polled; a page load asks at once
    const bell = page.getByTestId("notification-bell");
    await poll(
      async () => {
        const label = await bell.getAttribute("aria-label", { timeout: 5000 }).catch(() => null);
        if (!label?.includes("안 읽은 알림")) await page.reload();
        return label;
      },
      { timeout: 40_000, interval: 2000 },
    ).toMatch(/^알림 \(안 읽은 알림 [1-9]\d*개\)$/);
    await bell.click();
    await page.waitForURL(/\/me\?tab=notifications/, { waitUntil: "commit" });
    await page.getByRole("tab", { name: /^알림/, selected: true }).waitFor();
    const notice = page
      .getByTestId("notification")
      .filter({ hasText: `「${watchedTitle}」에 더 높은 입찰이 들어왔습니다.` });
    await notice.first().waitFor();
    await notice.first().getByText("상위 입찰").waitFor();
    await expectAccessible(page, "my page (notifications)");
    await shot(page, "my-page-notifications-ko");
    // reading them clears the count
    await page.getByRole("button", { name: "모두 읽음으로 표시" }).click();
    await poll(() => bell.getAttribute("aria-label")).toBe("알림");
    await poll(() => page.locator("[data-testid='notification'][data-unread]").count()).toBe(0);

    await page.getByRole("tab", { name: "내 입찰" }).click();
    await page.waitForURL(/tab=bids/, { waitUntil: "commit" });
    const row = page.getByTestId("my-bid").filter({ hasText: watchedTitle });
    await poll(() => row.getAttribute("data-state"), { timeout: 20_000 }).toBe("LEADING");
    await row.getByText("최고 입찰 중").waitFor();
    await poll(() => row.textContent()).toContain("내 입찰 2회 · 전체 3회");
    await expectAccessible(page, "my page (bids)");
    await shot(page, "my-page-bids-ko");

    await page.getByRole("tab", { name: "낙찰·결제" }).click();
    await page.getByRole("heading", { name: "낙찰 작품과 결제" }).waitFor();
    await expectAccessible(page, "my page (purchases)");

    // the account tab: only the leading bid's hold remains (the outbid one was released)
    await page.getByRole("tab", { name: "회원·계좌" }).click();
    await poll(() => page.getByTestId("bank-held").textContent(), { timeout: 20_000 }).toBe(won(hold));
    await poll(() => page.getByTestId("bank-available").textContent()).toBe(won(10_000_000 - hold));
  }, 90_000);

  it("switches to English and back, remembering the choice", async () => {
    await page.goto(`${GW}/me`);
    await page.getByTestId("bank-available").waitFor();
    await page.getByRole("button", { name: "언어: English" }).click();
    await poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("heading", { level: 1, name: "My page" }).waitFor();
    await page.getByText("Available to bid").waitFor();
    await shot(page, "my-page-en");
    await expectAccessible(page, "my page (en)");
    await page.goto(`${GW}/`);
    await page.getByRole("heading", { level: 1, name: "Meet the work, live" }).waitFor();
    await page.getByRole("heading", { name: "Live now" }).waitFor();
    await shot(page, "home-en");
    await page.goto(`${GW}/artworks/${watchedId}`);
    await page.getByRole("button", { name: "Watching", pressed: true }).waitFor();
    await page
      .getByRole("region", { name: "Bid", exact: true })
      .getByText(/You are the highest bidder/)
      .waitFor();
    await shot(page, "artwork-en");
  }, 60_000);

  it("works at 360 px: no sideways scrolling, a menu drawer, usable pages", async () => {
    const small = await newContext({ width: 360, height: 740 });
    const p = await small.newPage();
    for (const [path, name] of [
      ["/", "home"],
      ["/artworks", "browse"],
      [`/artworks/${watchedId}`, "artwork"],
      ["/register", "register"],
    ] as const) {
      await p.goto(`${GW}${path}`);
      await p.locator("main h1").first().waitFor();
      await p
        .locator("main img")
        .first()
        .waitFor({ timeout: 5000 })
        .catch(() => undefined);
      await expectNoHorizontalScroll(p);
      await shot(p, `${name}-360`);
    }
    await expectAccessible(p, "register (360)");
    await p.getByRole("button", { name: "메뉴 열기" }).click();
    await p.getByRole("dialog").getByRole("link", { name: "모든 작품" }).click();
    await p.getByRole("heading", { level: 1, name: "모든 작품" }).waitFor();
    await p.getByRole("button", { name: "필터 보기" }).click();
    await p.getByLabel("매체").waitFor();
    await shot(p, "browse-filters-360");
    await small.close();
  }, 60_000);

  describe("the admin area", () => {
    let adminCtx: BrowserContext;
    let a: Page;

    afterAll(async () => {
      await adminCtx?.close();
    });

    it("signs the admin in to the dashboard: today's figures and the lots live now", async () => {
      adminCtx = await newContext();
      a = await adminCtx.newPage();
      await a.goto(`${GW}/login?next=%2Fadmin`);
      await a.getByLabel("이메일").fill(ADMIN.email);
      await a.getByLabel("비밀번호").fill(ADMIN.password);
      await a.getByRole("button", { name: "로그인" }).last().click();
      await a.waitForURL(`${GW}/admin`);
      await a.getByRole("heading", { level: 2, name: "대시보드" }).waitFor();
      await a.getByRole("link", { name: "대시보드" }).and(a.locator("[aria-current='page']")).waitFor();
      await a.getByRole("heading", { name: /^오늘의 실적/ }).waitFor();
      await a.getByText("결제 완료", { exact: true }).first().waitFor();
      await a.getByRole("heading", { name: /^지금 경매 중 \(\d+\)$/ }).waitFor();
      // the live lots, by artwork title (our lot among them), with the time left
      const live = a
        .getByRole("row")
        .filter({ has: a.getByRole("link", { name: watchedTitle, exact: true }) });
      await live.waitFor();
      await poll(() => live.textContent()).toContain(won(LOT.startPrice + 2 * LOT.step));
      await shot(a, "admin-dashboard-ko");
      await expectAccessible(a, "admin dashboard");
    }, 60_000);

    it("lists the artworks and the lots with their auction status", async () => {
      await a
        .getByRole("navigation", { name: "관리자" })
        .getByRole("link", { name: "작품", exact: true })
        .click();
      await a.getByRole("heading", { level: 2, name: "작품" }).waitFor();
      await poll(() => a.locator("table tbody tr").count()).toBeGreaterThan(0);
      await a
        .getByRole("button", { name: "작품 등록" })
        .or(a.getByRole("link", { name: "작품 등록" }))
        .waitFor();
      await expectAccessible(a, "admin artworks");
      await shot(a, "admin-artworks-ko");

      await a
        .getByRole("navigation", { name: "관리자" })
        .getByRole("link", { name: "경매 일정", exact: true })
        .click();
      await a.getByRole("heading", { level: 2, name: "경매 일정" }).waitFor();
      await a.getByLabel("경매 상태").selectOption("OPEN");
      await a.waitForURL(/status=OPEN/, { waitUntil: "commit" });
      const ours = a
        .getByRole("row")
        .filter({ has: a.getByRole("link", { name: watchedTitle, exact: true }) });
      await ours.waitFor();
      await poll(() => ours.textContent()).toContain(won(LOT.startPrice + 2 * LOT.step));
      await expectAccessible(a, "admin lots");
      await shot(a, "admin-lots-ko");
    }, 60_000);

    it("lists the invoices of the sold lots", async () => {
      await a
        .getByRole("navigation", { name: "관리자" })
        .getByRole("link", { name: "결제", exact: true })
        .click();
      await a.getByRole("heading", { level: 2, name: "결제" }).waitFor();
      // the demo's closing lots sold to demo bidders: their invoices appear once settled
      const rows = a.locator("table tbody tr");
      await poll(
        async () => {
          const n = await rows.count();
          if (n === 0) await a.reload();
          return n;
        },
        { timeout: 45_000, interval: 2000 },
      ).toBeGreaterThan(0);
      await rows.first().getByRole("link").waitFor();
      await expectAccessible(a, "admin payments");
      await shot(a, "admin-payments-ko");
    }, 60_000);

    it("audits the lot's bid attempts, accepted and refused, then only the user's", async () => {
      await a
        .getByRole("navigation", { name: "관리자" })
        .getByRole("link", { name: "입찰 감사", exact: true })
        .click();
      await a.getByRole("heading", { level: 2, name: "입찰 감사" }).waitFor();
      await a.getByLabel("경매 ID").fill(lotId);
      await a.getByRole("button", { name: "적용" }).click();
      await a.waitForURL(new RegExp(`lotId=${lotId}`), { waitUntil: "commit" });
      const rows = a.locator("table tbody tr");
      // the user's two bids, the rival's accepted bid and its refused one
      await poll(() => rows.count(), { timeout: 20_000 }).toBe(4);
      const refused = rows.filter({ hasText: "거절" });
      await poll(() => refused.count()).toBe(1);
      await poll(() => refused.textContent()).toContain("BID_TOO_LOW");
      const userRows = rows.filter({ has: a.getByText(alias, { exact: true }) });
      await poll(() => userRows.count()).toBe(2);
      await expectAccessible(a, "admin bid audit");
      await userRows.first().getByRole("button", { name: "이 회원만 보기" }).click();
      await a.waitForURL(/userId=/, { waitUntil: "commit" });
      await poll(() => rows.count()).toBe(2);
      await poll(() => rows.filter({ has: a.getByText(alias, { exact: true }) }).count()).toBe(2);
      await poll(() => rows.filter({ hasText: "접수" }).count()).toBe(2);
      expect(await rows.filter({ hasText: won(LOT.startPrice) }).count()).toBe(1);
      expect(await rows.filter({ hasText: won(LOT.startPrice + 2 * LOT.step) }).count()).toBe(1);
      await shot(a, "admin-bids-ko");
    }, 60_000);

    it("suspends the user, whose next sign-in is refused", async () => {
      // the user signs out first (from the English account menu)
      await page.getByRole("button", { name: `Account menu: ${USER.name}` }).click();
      await page.getByRole("menuitem", { name: "Sign out" }).click();
      await page.getByRole("link", { name: "Sign in" }).first().waitFor();

      await a
        .getByRole("navigation", { name: "관리자" })
        .getByRole("link", { name: "회원", exact: true })
        .click();
      await a.waitForURL(/\/admin\/users/);
      await a.getByRole("searchbox", { name: "이름 또는 이메일 검색" }).fill(tag);
      await a.getByRole("button", { name: "검색", exact: true }).click();
      const row = a.getByTestId(`user-${USER.email}`);
      await row.waitFor();
      await expectAccessible(a, "admin users");
      await row.getByRole("button", { name: `정지: ${USER.email}` }).click();
      const dialog = a.getByRole("dialog");
      await dialog.getByRole("button", { name: "정지" }).click();
      await dialog.getByText("사유를 입력해 주세요.").waitFor();
      await dialog.getByLabel("정지 사유").fill("web e2e");
      await dialog.getByRole("button", { name: "정지" }).click();
      await row.getByText("정지", { exact: true }).waitFor();
      await shot(a, "admin-users-ko");

      await page.goto(`${GW}/login`);
      await page.getByLabel("Email").fill(USER.email);
      await page.getByLabel("Password").first().fill(USER.password);
      await page.getByRole("button", { name: "Sign in" }).last().click();
      await page
        .getByRole("alert")
        .getByText("This account is suspended. Please contact customer service.")
        .waitFor();
    }, 60_000);
  });

  it("raised no page errors and no Content-Security-Policy violations", () => {
    expect(pageErrors).toEqual([]);
  });
});
