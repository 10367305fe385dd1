import type { auction, live } from "@arte/contracts";
import type { Logger } from "@arte/platform";

type LotChange = auction.LotChange;

/** A lot's changes after a version, oldest first, and its current version (the auction service's RPC). */
export type ChangeSource = (
  lotId: string,
  sinceVersion: number,
  limit: number,
) => Promise<auction.LotChanges>;

/** One socket as the hub sees it: where frames go, and whose personal messages it gets. */
export type Peer = { send(frame: Buffer): void };

export type HubOptions = {
  changes: ChangeSource;
  log: Logger;
  /** A client further behind than this many changes gets a snapshot instead of the changes. */
  catchUpMax: number;
  /** Recent changes kept per watched lot: a reconnect within them needs no call to the auction service. */
  ringSize?: number;
  /** How long a lot stays tracked after its last watcher left (a quick reconnect finds its ring). */
  lingerMs?: number;
};

/** One socket's subscription to one lot: `sent` is the last version it got; `ready` once caught up. */
type Sub = { peer: Peer; feed: LotFeed; sent: number; ready: boolean; gone: boolean };
type Entry = { change: LotChange; frame: Buffer };

/**
 * One watched lot: `ring` holds its most recent changes, contiguous by version and ending at `head`.
 * Live changes that arrive ahead of `head + 1` wait in `pending` while the gap is fetched from the
 * auction service; a change at or below `head` is a duplicate and dropped.
 */
type LotFeed = {
  lotId: string;
  subs: Set<Sub>;
  head: number;
  ring: Entry[];
  pending: Map<number, LotChange>;
  seeded: Promise<void>;
  isSeeded: boolean;
  filling: Promise<void> | null;
  linger: NodeJS.Timeout | null;
};

const frame = (msg: live.LiveServerMessage | Record<string, unknown>) => Buffer.from(JSON.stringify(msg));
const errorFrame = (code: keyof typeof live.LiveErrors, message: string, lotId?: string) =>
  frame({ type: "error", code, message, ...(lotId ? { lotId } : {}) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The largest page the auction service's changes RPC gives. */
const RPC_PAGE = 500;

/**
 * The live feed's fan-out inside one gateway instance: which socket watches which lot, each lot's
 * recent changes, catch-up on subscribe, and personal messages by user. It knows nothing of
 * WebSockets (a {@link Peer} is anything with `send`) nor of NATS (the tail calls `lotChanged` etc.).
 *
 * Guarantee per socket and lot: versions strictly increase, and consecutive `lot` messages have
 * consecutive versions; when that cannot be kept (the client is too far behind, or the auction service
 * cannot fill a gap), a `snapshot` restarts the sequence.
 */
export function createHub(opts: HubOptions) {
  const ringSize = opts.ringSize ?? 256;
  const lingerMs = opts.lingerMs ?? 30_000;
  const log = opts.log;
  const feeds = new Map<string, LotFeed>();
  const subsOf = new Map<Peer, Map<string, Sub>>();
  const peersOf = new Map<string, Set<Peer>>();
  const userOf = new Map<Peer, string>();
  /** Who bid on a lot, as seen on the stream since this instance started (for `lost`). */
  const bidders = new Map<string, Set<string>>();
  /** Personal messages already sent (a re-published event must not notify twice). */
  const sentPersonal = new Set<string>();
  let closed = false;

  const lotFrame = (lotId: string, change: LotChange) => frame({ type: "lot", lotId, ...change });

  function sendSnapshot(feed: LotFeed, sub: Sub): boolean {
    const latest = feed.ring[feed.ring.length - 1];
    if (!latest) {
      sub.peer.send(errorFrame("LOT_UNAVAILABLE", "The lot's state is not available", feed.lotId));
      removeSub(sub);
      return false;
    }
    sub.peer.send(
      frame({ type: "snapshot", lotId: feed.lotId, version: latest.change.version, lot: latest.change }),
    );
    sub.sent = latest.change.version;
    return true;
  }

  /** Sends a ready socket every ring entry after what it has, or a snapshot if the ring lost the thread. */
  function drain(feed: LotFeed, sub: Sub) {
    if (sub.gone || feed.head <= sub.sent) return;
    const first = feed.ring[0];
    if (!first || first.change.version > sub.sent + 1) {
      sendSnapshot(feed, sub);
      return;
    }
    for (let i = sub.sent + 1 - first.change.version; i < feed.ring.length; i++) {
      const e = feed.ring[i]!;
      sub.peer.send(e.frame);
      sub.sent = e.change.version;
      if (sub.gone) return; // closed for back-pressure while sending
    }
  }

  function append(feed: LotFeed, change: LotChange) {
    const entry = { change, frame: lotFrame(feed.lotId, change) };
    feed.ring.push(entry);
    if (feed.ring.length > ringSize) feed.ring.shift();
    feed.head = change.version;
    for (const sub of feed.subs) {
      if (!sub.ready) continue; // still catching up: it drains the ring when done
      if (sub.sent === change.version - 1) {
        sub.peer.send(entry.frame);
        sub.sent = change.version;
      } else if (sub.sent < change.version - 1) {
        drain(feed, sub);
      }
    }
  }

  /** Applies waiting changes that are now next in line; drops the stale ones. True if a gap remains. */
  function drainPending(feed: LotFeed): boolean {
    for (const v of feed.pending.keys()) if (v <= feed.head) feed.pending.delete(v);
    let next = feed.pending.get(feed.head + 1);
    while (next) {
      feed.pending.delete(next.version);
      append(feed, next);
      next = feed.pending.get(feed.head + 1);
    }
    return feed.pending.size > 0;
  }

  /** Every subscriber gets a snapshot of the newest change (the thread of versions could not be kept). */
  function resync(feed: LotFeed, newest: LotChange) {
    feed.ring = [{ change: newest, frame: lotFrame(feed.lotId, newest) }];
    feed.head = newest.version;
    feed.pending.clear();
    for (const sub of feed.subs) if (sub.ready) sendSnapshot(feed, sub);
  }

  /**
   * Fetches the lot's changes after `head` from the auction service until no live change waits behind
   * a gap (or, with `force`, at least once). After 3 failures in a row the waiting subscribers get a
   * snapshot of the newest change seen instead: never a silent gap.
   */
  function fill(feed: LotFeed, force = false): Promise<void> {
    if (feed.filling) return feed.filling;
    feed.filling = (async () => {
      await Promise.resolve(); // `filling` is set before the loop runs, and cleared in the same turn it ends
      let failures = 0;
      let want = force;
      try {
        while (!closed && feeds.get(feed.lotId) === feed) {
          const gap = drainPending(feed);
          if (!gap && !want) break;
          want = false;
          const before = feed.head;
          try {
            const r = await opts.changes(feed.lotId, feed.head, RPC_PAGE);
            for (const c of r.changes) if (c.version === feed.head + 1) append(feed, c);
            if (feed.head === before && feed.pending.size > 0) throw new Error("no progress");
            failures = 0;
          } catch (err) {
            failures++;
            log.warn({ err, lotId: feed.lotId, head: feed.head, failures }, "live: filling a gap failed");
            if (failures >= 3) {
              const newest = [...feed.pending.values()].sort((a, b) => b.version - a.version)[0];
              if (newest) resync(feed, newest);
              break;
            }
            await sleep(100 * 2 ** failures);
          }
        }
      } finally {
        feed.filling = null;
      }
    })();
    return feed.filling;
  }

  /** The newest change and version of a lot (two small calls: the version, then the change at it). */
  async function seed(feed: LotFeed) {
    const first = await opts.changes(feed.lotId, 0, 1);
    const latest =
      first.version <= 1
        ? first.changes[0]
        : (await opts.changes(feed.lotId, first.version - 1, 1)).changes[0];
    feed.head = latest?.version ?? first.version;
    if (latest) feed.ring = [{ change: latest, frame: lotFrame(feed.lotId, latest) }];
    feed.isSeeded = true;
    if (drainPending(feed)) void fill(feed);
  }

  function track(lotId: string): LotFeed {
    let feed = feeds.get(lotId);
    if (feed) {
      if (feed.linger) clearTimeout(feed.linger);
      feed.linger = null;
      return feed;
    }
    const created: LotFeed = {
      lotId,
      subs: new Set(),
      head: 0,
      ring: [],
      pending: new Map(),
      seeded: Promise.resolve(),
      isSeeded: false,
      filling: null,
      linger: null,
    };
    created.seeded = seed(created).catch((err) => {
      if (feeds.get(lotId) === created) feeds.delete(lotId);
      throw err;
    });
    created.seeded.catch(() => {}); // awaited by the subscribers
    feeds.set(lotId, created);
    feed = created;
    return feed;
  }

  function untrackLater(feed: LotFeed) {
    if (feed.subs.size > 0 || feed.linger) return;
    feed.linger = setTimeout(() => {
      if (feed.subs.size === 0 && feeds.get(feed.lotId) === feed) feeds.delete(feed.lotId);
    }, lingerMs);
    feed.linger.unref();
  }

  function removeSub(sub: Sub) {
    sub.gone = true;
    const { feed } = sub;
    const mine = subsOf.get(sub.peer);
    if (mine?.get(feed.lotId) === sub) mine.delete(feed.lotId);
    if (feed.subs.delete(sub)) untrackLater(feed);
  }

  /** Brings a new subscriber up to date: a snapshot, or the missed changes (ring, else the auction service). */
  async function catchUp(feed: LotFeed, sub: Sub, since: number | undefined) {
    if (since === undefined) {
      if (sendSnapshot(feed, sub)) finish(feed, sub);
      return;
    }
    if (since > feed.head) {
      // The client has seen more than this instance (it lags the bus, or the client is confused).
      await fill(feed, true).catch(() => {});
      if (sub.gone) return;
      if (since > feed.head) {
        if (sendSnapshot(feed, sub)) finish(feed, sub);
        return;
      }
    }
    const oldest = feed.ring[0]?.change.version ?? feed.head + 1;
    if (since < oldest - 1) {
      let r: auction.LotChanges | null = null;
      try {
        r = await opts.changes(feed.lotId, since, Math.min(opts.catchUpMax, RPC_PAGE));
      } catch (err) {
        log.warn({ err, lotId: feed.lotId }, "live: catch-up call failed, sending a snapshot");
      }
      if (sub.gone) return;
      const complete =
        r !== null &&
        r.version - since <= opts.catchUpMax &&
        r.changes.every((c, i) => c.version === since + 1 + i) &&
        since + r.changes.length === r.version;
      if (!r || !complete) {
        if (sendSnapshot(feed, sub)) finish(feed, sub);
        return;
      }
      sub.sent = since;
      for (const c of r.changes) {
        sub.peer.send(lotFrame(feed.lotId, c));
        sub.sent = c.version;
        if (sub.gone) return;
      }
    } else {
      sub.sent = since;
    }
    finish(feed, sub);
  }

  function finish(feed: LotFeed, sub: Sub) {
    if (sub.gone) return;
    sub.ready = true;
    drain(feed, sub);
  }

  function personal(userId: string, key: string, msg: live.LivePersonal) {
    if (sentPersonal.has(key)) return;
    sentPersonal.add(key);
    if (sentPersonal.size > 20_000) {
      const oldest = sentPersonal.values().next().value;
      if (oldest !== undefined) sentPersonal.delete(oldest);
    }
    const peers = peersOf.get(userId);
    if (!peers) return;
    const f = frame(msg);
    for (const p of peers) p.send(f);
  }

  function noteBidder(lotId: string, userId: string) {
    let set = bidders.get(lotId);
    if (!set) {
      set = new Set();
      bidders.set(lotId, set);
      if (bidders.size > 50_000) {
        const oldest = bidders.keys().next().value;
        if (oldest !== undefined) bidders.delete(oldest);
      }
    }
    set.add(userId);
  }

  return {
    /** Watches a lot. The socket gets a snapshot, or the changes after `sinceVersion`, then live ones. */
    async subscribe(peer: Peer, lotId: string, sinceVersion?: number): Promise<void> {
      let mine = subsOf.get(peer);
      if (!mine) {
        mine = new Map();
        subsOf.set(peer, mine);
      }
      const previous = mine.get(lotId);
      if (previous) removeSub(previous); // a resubscribe starts over from what the client says it has
      const feed = track(lotId);
      const sub: Sub = { peer, feed, sent: 0, ready: false, gone: false };
      feed.subs.add(sub);
      mine.set(lotId, sub);
      try {
        await feed.seeded;
      } catch (err) {
        const notFound = (err as { code?: string })?.code === "LOT_NOT_FOUND";
        if (!sub.gone) {
          peer.send(
            notFound
              ? errorFrame("LOT_NOT_FOUND", "No such lot", lotId)
              : errorFrame("LOT_UNAVAILABLE", "The lot's state cannot be loaded right now", lotId),
          );
        }
        removeSub(sub);
        if (!notFound) log.warn({ err, lotId }, "live: loading a lot failed");
        return;
      }
      if (sub.gone) return;
      await catchUp(feed, sub, sinceVersion);
    },

    unsubscribe(peer: Peer, lotId: string): boolean {
      const sub = subsOf.get(peer)?.get(lotId);
      if (!sub) return false;
      removeSub(sub);
      return true;
    },

    /** How many lots a socket watches. */
    lotCount: (peer: Peer) => subsOf.get(peer)?.size ?? 0,
    isSubscribed: (peer: Peer, lotId: string) => subsOf.get(peer)?.has(lotId) ?? false,

    /** Routes personal messages of `userId` to this socket (null: anonymous again). */
    setUser(peer: Peer, userId: string | null) {
      const before = userOf.get(peer);
      if (before !== undefined) {
        const set = peersOf.get(before);
        set?.delete(peer);
        if (set?.size === 0) peersOf.delete(before);
        userOf.delete(peer);
      }
      if (userId === null) return;
      userOf.set(peer, userId);
      let set = peersOf.get(userId);
      if (!set) {
        set = new Set();
        peersOf.set(userId, set);
      }
      set.add(peer);
    },

    /** The socket is gone: forget it everywhere. */
    drop(peer: Peer) {
      for (const sub of [...(subsOf.get(peer)?.values() ?? [])]) removeSub(sub);
      subsOf.delete(peer);
      this.setUser(peer, null);
    },

    /** A lot event from the bus (its snapshot as a change). */
    lotChanged(lotId: string, change: LotChange) {
      const feed = feeds.get(lotId);
      if (!feed || change.version <= feed.head) return;
      if (!feed.isSeeded || feed.filling || change.version > feed.head + 1) {
        feed.pending.set(change.version, change);
        if (feed.isSeeded) void fill(feed);
        return;
      }
      append(feed, change);
      if (feed.pending.size > 0) drainPending(feed);
    },

    bidPlaced(lotId: string, bidderUserId: string | undefined) {
      if (bidderUserId) noteBidder(lotId, bidderUserId);
    },

    outbid(e: {
      lotId: string;
      userId: string;
      version: number;
      currentPrice: number;
      nextMinimum: number;
      endsAt: string;
    }) {
      noteBidder(e.lotId, e.userId);
      personal(e.userId, `outbid:${e.lotId}:${e.userId}:${e.version}`, {
        type: "personal",
        kind: "outbid",
        lotId: e.lotId,
        version: e.version,
        currentPrice: e.currentPrice,
        nextMinimum: e.nextMinimum,
        endsAt: e.endsAt,
      });
    },

    sold(e: {
      lotId: string;
      version: number;
      currentPrice: number;
      winnerUserId?: string | undefined;
      hammerPrice?: number | undefined;
      premium?: number | undefined;
    }) {
      const others = bidders.get(e.lotId) ?? new Set<string>();
      bidders.delete(e.lotId);
      if (e.winnerUserId) {
        personal(e.winnerUserId, `won:${e.lotId}:${e.winnerUserId}`, {
          type: "personal",
          kind: "won",
          lotId: e.lotId,
          version: e.version,
          hammerPrice: e.hammerPrice ?? e.currentPrice,
          ...(e.premium !== undefined ? { premium: e.premium } : {}),
        });
      }
      for (const u of others) {
        if (u === e.winnerUserId) continue;
        personal(u, `lost:${e.lotId}:${u}`, {
          type: "personal",
          kind: "lost",
          lotId: e.lotId,
          version: e.version,
          reason: "SOLD",
          currentPrice: e.currentPrice,
        });
      }
    },

    unsold(e: { lotId: string; version: number; currentPrice: number; bidCount: number; reason?: string }) {
      const all = bidders.get(e.lotId) ?? new Set<string>();
      bidders.delete(e.lotId);
      const reason = e.reason === "NO_BIDS" || e.bidCount === 0 ? "NO_BIDS" : "RESERVE_NOT_MET";
      for (const u of all) {
        personal(u, `lost:${e.lotId}:${u}`, {
          type: "personal",
          kind: "lost",
          lotId: e.lotId,
          version: e.version,
          reason,
          currentPrice: e.currentPrice,
        });
      }
    },

    lotCancelled(lotId: string) {
      bidders.delete(lotId);
    },

    stats: () => ({
      lots: feeds.size,
      sockets: subsOf.size,
      users: peersOf.size,
    }),

    close() {
      closed = true;
      for (const f of feeds.values()) if (f.linger) clearTimeout(f.linger);
      feeds.clear();
      subsOf.clear();
      peersOf.clear();
      userOf.clear();
    },
  };
}
export type Hub = ReturnType<typeof createHub>;
