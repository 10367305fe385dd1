/**
 * The live feed client: one WebSocket per tab to the gateway (`/api/live`, protocol in
 * `@arte/contracts` live.ts), shared by every hook that watches a lot and by the personal-message
 * toasts. It keeps the last version it passed on per lot and, after any reconnect, subscribes again
 * with `sinceVersion`, so the changes missed while away arrive before live ones; duplicates are
 * dropped here. Reconnects back off exponentially (with jitter) and are silent: while the socket is
 * down, watchers are told `connected: false` and fall back to polling.
 *
 * Signed in, the socket authenticates with the in-memory access token (an `auth` message, so the
 * token never appears in a URL) and gets the user's personal messages; a refreshed token is sent
 * again, and signing out reconnects anonymously.
 *
 * No schema library here on purpose: the client stays small, and the gateway only ever sends the
 * contract's messages.
 */
import type { LiveClientMessage, LivePersonal, LiveServerMessage } from "@arte/contracts/live.js";
import { getSession, onSessionChange, refreshSession } from "./api-client";
import { isNewer, type LiveLotMessage } from "./live-merge";
import { type ClockSample, noteServerTime } from "./time";

export type { LiveLotMessage } from "./live-merge";
export type LivePersonalMessage = LivePersonal;

/** The part of a browser WebSocket the client uses (a fake one in tests). */
export type SocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};

export type LiveDeps = {
  connect: () => SocketLike;
  /** The current access token (null: anonymous). */
  token: () => string | null;
  /** A fresh access token after the socket refused the old one (null: signed out). */
  refreshToken: () => Promise<string | null>;
  onTokenChange: (listener: () => void) => () => void;
  noteClock?: (sample: ClockSample) => void;
  now?: () => number;
  random?: () => number;
  timing?: Partial<LiveTiming>;
};

export type LiveTiming = {
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** After 4429 (too many sockets from this address): wait at least this long. */
  busyDelayMs: number;
  pingEveryMs: number;
  /** No pong within this long: the connection is dead, reconnect. */
  pongTimeoutMs: number;
  /** The socket closes this long after its last watcher left (navigation does not churn it). */
  idleCloseMs: number;
  /** A lot the gateway could not load right now is asked for again after this long. */
  resubscribeMs: number;
};

const DEFAULT_TIMING: LiveTiming = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  busyDelayMs: 60_000,
  pingEveryMs: 25_000,
  pongTimeoutMs: 10_000,
  idleCloseMs: 15_000,
  resubscribeMs: 5_000,
};

const OPEN = 1;
const TOKEN_INVALID = 4401;
const TOO_MANY_SOCKETS = 4429;
const MAX_LOTS_PER_MESSAGE = 100;

/** The reconnect delay after `attempt` failures: exponential, capped, with jitter (50–100 %). */
export function backoffDelay(
  attempt: number,
  t: Pick<LiveTiming, "baseDelayMs" | "maxDelayMs">,
  random: number,
) {
  const full = Math.min(t.maxDelayMs, t.baseDelayMs * 2 ** Math.min(attempt, 20));
  return Math.round(full * (0.5 + random / 2));
}

/** The subscribe messages for watched lots: each with its last version, when one was seen. */
export function subscribeMessages(lots: Iterable<[string, number | undefined]>): LiveClientMessage[] {
  const all = [...lots].map(([lotId, v]) => (v === undefined ? { lotId } : { lotId, sinceVersion: v }));
  const out: LiveClientMessage[] = [];
  for (let i = 0; i < all.length; i += MAX_LOTS_PER_MESSAGE)
    out.push({ type: "subscribe", lots: all.slice(i, i + MAX_LOTS_PER_MESSAGE) });
  return out;
}

type LotEntry = { listeners: Set<(m: LiveLotMessage) => void>; version: number | undefined };

export type LiveClient = {
  /** Watches a lot: `listener` gets its snapshot and changes, newest versions only. */
  watchLot(lotId: string, listener: (m: LiveLotMessage) => void): () => void;
  /** Personal messages (outbid, won, lost) for the signed-in user; keeps the socket open. */
  onPersonal(listener: (m: LivePersonal) => void): () => void;
  /** Whether the feed is live (welcomed) now; told again on every change. */
  onConnection(listener: (connected: boolean) => void): () => void;
  isConnected(): boolean;
  /** Reconnects now if the socket is down (the tab came back, the network returned). */
  wake(): void;
  /** Closes for good (tests). */
  stop(): void;
};

export function createLiveClient(deps: LiveDeps): LiveClient {
  const t: LiveTiming = { ...DEFAULT_TIMING, ...deps.timing };
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const lots = new Map<string, LotEntry>();
  const personal = new Set<(m: LivePersonal) => void>();
  const connection = new Set<(c: boolean) => void>();
  const seenPersonal = new Set<string>();

  let socket: SocketLike | null = null;
  let connected = false;
  let attempt = 0;
  let connectStartedAt = 0;
  let sentToken: string | null = null;
  let stopped = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let pongTimer: ReturnType<typeof setTimeout> | null = null;
  const pings = new Map<string, number>();
  let pingSeq = 0;
  const retryTimers = new Map<string, ReturnType<typeof setTimeout>>();

  const wanted = () => lots.size > 0 || personal.size > 0;

  function setConnected(c: boolean) {
    if (connected === c) return;
    connected = c;
    for (const l of connection) l(c);
  }

  function send(msg: LiveClientMessage) {
    if (socket?.readyState === OPEN) socket.send(JSON.stringify(msg));
  }

  function ping() {
    const id = String(++pingSeq);
    pings.set(id, now());
    if (pings.size > 4) pings.delete(pings.keys().next().value as string);
    send({ type: "ping", id });
    if (!pongTimer)
      pongTimer = setTimeout(() => {
        pongTimer = null;
        drop(); // no answer: a dead connection the browser has not noticed
      }, t.pongTimeoutMs);
  }

  function clearTimers() {
    if (pingTimer) clearInterval(pingTimer);
    if (pongTimer) clearTimeout(pongTimer);
    pingTimer = null;
    pongTimer = null;
    pings.clear();
    for (const timer of retryTimers.values()) clearTimeout(timer);
    retryTimers.clear();
  }

  function open() {
    if (stopped || socket || !wanted()) return;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    connectStartedAt = now();
    let s: SocketLike;
    try {
      s = deps.connect();
    } catch {
      scheduleReconnect(undefined);
      return;
    }
    socket = s;
    s.onmessage = (ev) => {
      if (socket === s && typeof ev.data === "string") onMessage(ev.data);
    };
    s.onclose = (ev) => {
      if (socket === s) closed(ev.code);
    };
    s.onerror = () => {
      // a close event follows
    };
  }

  /** Forgets the socket at once (its close event, if any, is ignored) and reconnects. */
  function drop(code?: number) {
    const s = socket;
    if (!s) return;
    socket = null;
    try {
      s.close(1000, "reconnecting");
    } catch {
      // already closed
    }
    closed(code, true);
  }

  function closed(code: number | undefined, dropped = false) {
    if (!dropped) socket = null;
    clearTimers();
    sentToken = null;
    setConnected(false);
    if (stopped || !wanted()) return;
    if (code === TOKEN_INVALID) {
      // The token was refused: get a fresh one (or none, signed out) before trying again.
      void deps
        .refreshToken()
        .catch(() => null)
        .then(() => scheduleReconnect(code));
      return;
    }
    scheduleReconnect(code);
  }

  function scheduleReconnect(code: number | undefined) {
    if (reconnectTimer || stopped) return;
    let delay = backoffDelay(attempt, t, random());
    if (code === TOO_MANY_SOCKETS) delay = Math.max(delay, t.busyDelayMs);
    attempt++;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      open();
    }, delay);
  }

  function authenticate() {
    const token = deps.token();
    if (token && token !== sentToken) {
      sentToken = token;
      send({ type: "auth", token });
    }
  }

  function onWelcome(epochMs: number) {
    // A signed-in socket counts as healthy once its token is accepted (`authenticated`).
    if (!deps.token()) attempt = 0;
    noteClock({ serverMs: epochMs, sentAt: connectStartedAt, receivedAt: now() });
    authenticate();
    for (const msg of subscribeMessages([...lots].map(([id, e]) => [id, e.version]))) send(msg);
    ping();
    pingTimer = setInterval(ping, t.pingEveryMs);
    setConnected(true);
  }

  function noteClock(sample: ClockSample) {
    deps.noteClock?.(sample);
  }

  function onMessage(text: string) {
    let msg: LiveServerMessage;
    try {
      msg = JSON.parse(text) as LiveServerMessage;
    } catch {
      return;
    }
    switch (msg.type) {
      case "welcome":
        onWelcome(msg.epochMs);
        return;
      case "snapshot":
      case "lot": {
        const entry = lots.get(msg.lotId);
        if (!entry || !isNewer(entry.version, msg.version)) return; // not watched, or a duplicate
        entry.version = msg.version;
        for (const l of [...entry.listeners]) l(msg);
        return;
      }
      case "personal": {
        const key = `${msg.kind}:${msg.lotId}:${msg.version}`;
        if (seenPersonal.has(key)) return;
        seenPersonal.add(key);
        if (seenPersonal.size > 500) seenPersonal.delete(seenPersonal.values().next().value as string);
        for (const l of [...personal]) l(msg);
        return;
      }
      case "pong": {
        if (pongTimer) clearTimeout(pongTimer);
        pongTimer = null;
        const sentAt = msg.id !== undefined ? pings.get(msg.id) : undefined;
        if (sentAt !== undefined) {
          pings.delete(msg.id as string);
          noteClock({ serverMs: msg.epochMs, sentAt, receivedAt: now() });
        }
        return;
      }
      case "authenticated":
        attempt = 0;
        return;
      case "error":
        onError(msg.code, msg.lotId);
        return;
      default:
        return;
    }
  }

  function onError(code: string, lotId: string | undefined) {
    if (code === "TOKEN_EXPIRED") {
      // Personal messages paused: send a fresh token (the refresh itself notifies onTokenChange).
      sentToken = null;
      void deps
        .refreshToken()
        .catch(() => null)
        .then(() => authenticate());
    } else if (code === "AUTH_UNAVAILABLE") {
      sentToken = null;
      setTimeout(() => authenticate(), t.resubscribeMs);
    } else if (code === "LOT_UNAVAILABLE" && lotId) {
      const old = retryTimers.get(lotId);
      if (old) clearTimeout(old);
      retryTimers.set(
        lotId,
        setTimeout(() => {
          retryTimers.delete(lotId);
          const entry = lots.get(lotId);
          if (entry) for (const msg of subscribeMessages([[lotId, entry.version]])) send(msg);
        }, t.resubscribeMs),
      );
    }
  }

  function keepOrIdle() {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (wanted()) {
      if (!socket && !reconnectTimer) open();
      return;
    }
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (wanted()) return;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const s = socket;
      socket = null;
      clearTimers();
      sentToken = null;
      setConnected(false);
      s?.close(1000, "idle");
    }, t.idleCloseMs);
  }

  const offToken = deps.onTokenChange(() => {
    if (!socket || !connected) return;
    const token = deps.token();
    if (token) authenticate();
    else if (sentToken) {
      // Signed out: this socket still gets the old user's personal messages; start an anonymous one.
      attempt = 0;
      drop();
    }
  });

  return {
    watchLot(lotId, listener) {
      let entry = lots.get(lotId);
      if (!entry) {
        entry = { listeners: new Set(), version: undefined };
        lots.set(lotId, entry);
        if (connected) send({ type: "subscribe", lots: [{ lotId }] });
      }
      entry.listeners.add(listener);
      keepOrIdle();
      const mine = entry;
      return () => {
        mine.listeners.delete(listener);
        if (mine.listeners.size === 0 && lots.get(lotId) === mine) {
          lots.delete(lotId);
          if (connected) send({ type: "unsubscribe", lotIds: [lotId] });
        }
        keepOrIdle();
      };
    },
    onPersonal(listener) {
      personal.add(listener);
      keepOrIdle();
      return () => {
        personal.delete(listener);
        keepOrIdle();
      };
    },
    onConnection(listener) {
      connection.add(listener);
      return () => connection.delete(listener);
    },
    isConnected: () => connected,
    wake() {
      if (socket || stopped || !wanted()) return;
      attempt = 0;
      open();
    },
    stop() {
      stopped = true;
      offToken();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (idleTimer) clearTimeout(idleTimer);
      const s = socket;
      socket = null;
      clearTimers();
      setConnected(false);
      s?.close(1000, "stopped");
    },
  };
}

let shared: LiveClient | null = null;

/** This tab's live client (created on first use). */
export function live(): LiveClient {
  if (shared) return shared;
  const client = createLiveClient({
    connect: () => {
      const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      return new WebSocket(`${scheme}//${window.location.host}/api/live`) as unknown as SocketLike;
    },
    token: () => getSession()?.accessToken ?? null,
    refreshToken: async () => (await refreshSession())?.accessToken ?? null,
    onTokenChange: (l) => {
      const off = onSessionChange(() => l());
      return () => {
        off();
      };
    },
    noteClock: noteServerTime,
  });
  // Back from sleep or offline: do not wait out the backoff.
  window.addEventListener("online", () => client.wake());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") client.wake();
  });
  shared = client;
  return client;
}
