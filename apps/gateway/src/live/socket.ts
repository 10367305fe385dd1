import { live } from "@arte/contracts";
import { AppError, type HttpApp, type Logger } from "@arte/platform";
import type { WebSocket } from "@fastify/websocket";
import type { FastifyRequest } from "fastify";
import type { AccessCheck } from "../auth.js";
import type { Hub, Peer } from "./hub.js";

export type LiveLimits = {
  maxLotsPerSocket: number;
  maxSocketsPerIp: number;
  maxBufferBytes: number;
  heartbeatMs: number;
};

const OPEN = 1;
const C = live.LiveCloseCodes;
const json = (msg: live.LiveServerMessage) => Buffer.from(JSON.stringify(msg));
const error = (code: live.LiveError["code"], message: string, lotId?: string) =>
  json({ type: "error", code, message, ...(lotId ? { lotId } : {}) });
const now = () => {
  const epochMs = Date.now();
  return { serverTime: new Date(epochMs).toISOString(), epochMs };
};

type Conn = {
  socket: WebSocket;
  peer: Peer;
  ip: string;
  alive: boolean;
  closing: boolean;
  expiry: NodeJS.Timeout | null;
  /** auth / subscribe / unsubscribe run one after another, in the order sent (ping does not wait). */
  queue: Promise<void>;
};

/**
 * The WebSocket side of the live feed: one {@link Conn} per socket, the protocol of
 * `@arte/contracts` live.ts, authentication with the gateway's own access check (signature, expiry,
 * ended sessions), the per-IP and per-socket limits, back-pressure and heartbeats.
 */
export function createLiveSockets(opts: {
  hub: Hub;
  checkAccess: AccessCheck;
  limits: LiveLimits;
  log: Logger;
}) {
  const { hub, limits, log } = opts;
  const conns = new Set<Conn>();
  const perIp = new Map<string, number>();

  function closeWith(conn: Conn, code: number, reason: string) {
    if (conn.closing) return;
    conn.closing = true;
    hub.drop(conn.peer); // nothing more is queued for it
    conn.socket.close(code, reason);
    // A client that never reads never answers the close either: cut it after a grace period.
    setTimeout(() => conn.socket.terminate(), 5_000).unref();
  }

  function send(conn: Conn, frame: Buffer) {
    if (conn.closing || conn.socket.readyState !== OPEN) return;
    conn.socket.send(frame, { binary: false });
    if (conn.socket.bufferedAmount > limits.maxBufferBytes) {
      log.info({ ip: conn.ip, buffered: conn.socket.bufferedAmount }, "live: slow consumer closed");
      closeWith(conn, C.SLOW_CONSUMER, `slow consumer: over ${limits.maxBufferBytes} bytes queued`);
    }
  }

  async function authenticate(conn: Conn, token: string, atConnect: boolean): Promise<boolean> {
    let claims: Awaited<ReturnType<AccessCheck>>;
    try {
      claims = await opts.checkAccess("public", `Bearer ${token}`);
    } catch (err) {
      const code = err instanceof AppError ? err.code : "TOKEN_INVALID";
      if (code === "SERVICE_UNAVAILABLE") {
        send(conn, error("AUTH_UNAVAILABLE", "Sign-in cannot be checked right now; try again shortly"));
        return false;
      }
      const c = code === "TOKEN_EXPIRED" ? "TOKEN_EXPIRED" : "TOKEN_INVALID";
      send(
        conn,
        error(c, c === "TOKEN_EXPIRED" ? "The access token has expired" : "The access token is invalid"),
      );
      closeWith(conn, C.TOKEN_INVALID, c);
      return false;
    }
    if (!claims || conn.closing) return false;
    hub.setUser(conn.peer, claims.sub);
    if (conn.expiry) clearTimeout(conn.expiry);
    // When the token expires the socket stays open with public data; a new `auth` resumes personal ones.
    conn.expiry = setTimeout(
      () => {
        hub.setUser(conn.peer, null);
        send(
          conn,
          error("TOKEN_EXPIRED", "The access token has expired: send a new one to keep personal messages"),
        );
      },
      Math.max(0, claims.exp * 1000 - Date.now()),
    );
    conn.expiry.unref();
    if (!atConnect)
      send(conn, json({ type: "authenticated", expiresAt: new Date(claims.exp * 1000).toISOString() }));
    return true;
  }

  async function subscribe(conn: Conn, lots: { lotId: string; sinceVersion?: number | undefined }[]) {
    const accepted = new Map<string, number | undefined>();
    let count = hub.lotCount(conn.peer);
    for (const l of lots) {
      if (accepted.has(l.lotId)) continue;
      if (!hub.isSubscribed(conn.peer, l.lotId)) {
        if (count >= limits.maxLotsPerSocket) {
          send(conn, error("TOO_MANY_LOTS", `At most ${limits.maxLotsPerSocket} lots per socket`, l.lotId));
          continue;
        }
        count++;
      }
      accepted.set(l.lotId, l.sinceVersion);
    }
    await Promise.all([...accepted].map(([lotId, since]) => hub.subscribe(conn.peer, lotId, since)));
  }

  function onMessage(conn: Conn, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) {
    let msg: live.LiveClientMessage;
    try {
      if (isBinary) throw new Error("binary");
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString("utf8")
        : Buffer.from(data as Buffer).toString("utf8");
      const parsed = live.LiveClientMessage.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error("contract");
      msg = parsed.data;
    } catch {
      send(conn, error("BAD_MESSAGE", "Expected a JSON auth, subscribe, unsubscribe or ping message"));
      return;
    }
    if (msg.type === "ping") {
      send(conn, json({ type: "pong", ...(msg.id !== undefined ? { id: msg.id } : {}), ...now() }));
      return;
    }
    enqueue(conn, async () => {
      if (msg.type === "auth") await authenticate(conn, msg.token, false);
      else if (msg.type === "subscribe") await subscribe(conn, msg.lots);
      else if (msg.type === "unsubscribe") {
        for (const lotId of msg.lotIds) {
          if (!hub.unsubscribe(conn.peer, lotId))
            send(conn, error("NOT_SUBSCRIBED", "This socket does not watch that lot", lotId));
        }
      }
    });
  }

  function enqueue(conn: Conn, job: () => Promise<void>) {
    conn.queue = conn.queue
      .then(() => (conn.closing ? undefined : job()))
      .catch((err) => log.error({ err }, "live: handling a message failed"));
  }

  function onSocket(socket: WebSocket, req: FastifyRequest) {
    const ip = req.ip;
    const conn: Conn = {
      socket,
      ip,
      peer: { send: (frame) => send(conn, frame) },
      alive: true,
      closing: false,
      expiry: null,
      queue: Promise.resolve(),
    };
    socket.on("close", () => {
      conns.delete(conn);
      conn.closing = true;
      if (conn.expiry) clearTimeout(conn.expiry);
      hub.drop(conn.peer);
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip);
      else perIp.set(ip, n);
    });
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    conns.add(conn);
    if ((perIp.get(ip) ?? 0) > limits.maxSocketsPerIp) {
      closeWith(
        conn,
        C.TOO_MANY_SOCKETS,
        `too many sockets from this address (max ${limits.maxSocketsPerIp})`,
      );
      return;
    }
    socket.on("pong", () => {
      conn.alive = true;
    });
    socket.on("message", (data, isBinary) => onMessage(conn, data, isBinary));
    const token = (req.query as { token?: unknown } | undefined)?.token;
    enqueue(conn, async () => {
      const authenticated =
        typeof token === "string" && token.length > 0 ? await authenticate(conn, token, true) : false;
      if (typeof token === "string" && token.length > 0 && !authenticated && conn.closing) return;
      send(conn, json({ type: "welcome", authenticated, ...now() }));
    });
  }

  const heartbeat = setInterval(() => {
    for (const conn of conns) {
      if (conn.closing) continue;
      if (!conn.alive) {
        conn.closing = true;
        conn.socket.terminate(); // it does not answer: no close handshake to wait for
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  return {
    /** Mounts `GET /api/live` (426 without an upgrade). */
    route(app: HttpApp) {
      app.route({
        method: "GET",
        url: live.LIVE_PATH,
        // The query may carry a token: keep this route out of the request log.
        logLevel: "warn",
        schema: { hide: true },
        // Connects count per IP apart from the API's budget (a reconnect storm hits this one only).
        config: { rateLimit: { keyGenerator: (req: FastifyRequest) => `live:ip:${req.ip}` } },
        handler: async () => {
          throw new AppError("UPGRADE_REQUIRED", 426, "This is a WebSocket endpoint", undefined, {
            upgrade: "websocket",
          });
        },
        wsHandler: onSocket,
      });
    },
    count: () => conns.size,
    /** Shutdown: every socket is told to reconnect elsewhere (1012), and cut if it does not close. */
    closeAll() {
      clearInterval(heartbeat);
      for (const conn of conns) closeWith(conn, C.RESTARTING, "server restarting");
    },
  };
}
export type LiveSockets = ReturnType<typeof createLiveSockets>;
