import { headers as natsHeaders } from "@nats-io/transport-node";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import pg from "pg";
import type { Bus } from "../bus/bus.js";
import type { PlatformTables } from "../db/platform-migrations.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

export type RelayOptions = {
  // biome-ignore lint/suspicious/noExplicitAny: the relay works on every service's database type
  db: Kysely<any>;
  bus: Bus;
  log: Logger;
  metrics?: Metrics;
  /** Connection string for the LISTEN connection (the same database as `db`). */
  listenUrl: string;
  schema: string;
  batchSize?: number;
  pollMs?: number;
  /** Published rows older than this are deleted; keep it well above the stream's duplicate window. */
  retentionMs?: number;
  /** How often the relay prunes published rows (default 60 s). */
  pruneEveryMs?: number;
};

/**
 * Publishes outbox rows to JetStream.
 *
 * Invariants:
 * - rows are claimed with FOR UPDATE SKIP LOCKED, so instances never publish the same row at once;
 * - the JetStream `Nats-Msg-Id` is the row id: a crash after the publish but before the row is marked
 *   republishes a message the broker drops as a duplicate (within the stream's duplicate window);
 * - a failed publish leaves the row pending with its attempt count and next attempt time (backoff);
 * - order: rows go out in `seq` order (insertion order, so the events of one transaction keep theirs).
 *   It is best effort across transactions (seq is taken at insert, not at commit), across relay
 *   instances, and across a retry (a row in backoff does not hold back later rows): consumers that
 *   care about order check a version number, they do not rely on arrival order;
 * - a NOTIFY that arrives while a round is running is remembered, so it is never lost (the next
 *   round starts at once instead of after `pollMs`).
 */
export function createOutboxRelay(opts: RelayOptions) {
  const db = opts.db as unknown as Kysely<PlatformTables>;
  const batchSize = opts.batchSize ?? 100;
  const pollMs = opts.pollMs ?? 1000;
  const retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  const pruneEveryMs = opts.pruneEveryMs ?? 60_000;
  let running = false;
  let wake: (() => void) | null = null;
  // Set by a NOTIFY (or stop) that arrived while no one was waiting: the loop must not sleep then.
  let woken = false;
  let loop: Promise<void> | null = null;
  let listener: pg.Client | null = null;
  let relisten: NodeJS.Timeout | null = null;
  let listenFailures = 0;
  let lastPrune = 0;

  /** One claim-publish-mark round. Returns how many rows it published. */
  async function tick(): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom("outbox")
        .select(["id", "subject", "payload", "headers", "attempts"])
        .where("published_at", "is", null)
        .where("next_attempt_at", "<=", sql<Date>`now()`)
        .orderBy("seq")
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      const published: string[] = [];
      for (const row of rows) {
        try {
          const h = natsHeaders();
          for (const [k, v] of Object.entries((row.headers ?? {}) as Record<string, string>))
            h.set(k, String(v));
          const ack = await opts.bus.js.publish(opts.bus.subject(row.subject), JSON.stringify(row.payload), {
            msgID: row.id,
            headers: h,
          });
          if (ack.duplicate) opts.log.debug({ id: row.id }, "outbox row was already published");
          published.push(row.id);
        } catch (err) {
          opts.metrics?.outboxFailures.inc();
          const delayMs = Math.min(60_000, 500 * 2 ** row.attempts);
          opts.log.warn(
            { err, id: row.id, subject: row.subject, attempts: row.attempts + 1 },
            "outbox publish failed",
          );
          await trx
            .updateTable("outbox")
            .set({
              attempts: row.attempts + 1,
              last_error: String((err as Error)?.message ?? err).slice(0, 500),
              next_attempt_at: sql<Date>`now() + ${`${delayMs} milliseconds`}::interval`,
            })
            .where("id", "=", row.id)
            .execute();
          // Keep order: later rows wait for this one's retry.
          break;
        }
      }
      if (published.length) {
        await trx
          .updateTable("outbox")
          .set({ published_at: sql<Date>`now()` })
          .where("id", "in", published)
          .execute();
        opts.metrics?.outboxPublished.inc(published.length);
      }
      return published.length;
    });
  }

  async function observe() {
    const r = await db
      .selectFrom("outbox")
      .select(sql<number>`coalesce(extract(epoch from now() - min(created_at)), 0)::float8`.as("lag"))
      .where("published_at", "is", null)
      .executeTakeFirst();
    opts.metrics?.outboxLag.set(Number(r?.lag ?? 0));
  }

  /** Deletes published rows older than `retentionMs`. Returns how many it deleted. */
  async function prune(): Promise<number> {
    lastPrune = Date.now();
    const r = await db
      .deleteFrom("outbox")
      .where("published_at", "<", sql<Date>`now() - ${`${retentionMs} milliseconds`}::interval`)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async function run() {
    while (running) {
      woken = false;
      try {
        let n: number;
        do {
          n = await tick();
        } while (running && n === batchSize);
        await observe();
        if (Date.now() - lastPrune >= pruneEveryMs) await prune();
      } catch (err) {
        opts.log.error({ err }, "outbox relay round failed");
      }
      if (!running) break;
      if (woken) continue; // a NOTIFY came in during the round: its row may have been missed
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  }

  function notify() {
    woken = true;
    wake?.();
  }

  return {
    tick,
    prune,
    async start() {
      if (running) return;
      running = true;
      await listen();
      loop = run();
    },
    async stop() {
      running = false;
      if (relisten) clearTimeout(relisten);
      relisten = null;
      notify();
      await loop;
      const l = listener;
      listener = null;
      await l?.end().catch(() => {});
    },
  };

  /**
   * Opens the LISTEN connection. When it fails or is lost (Postgres restarted, the backend was
   * terminated), the relay goes on polling and opens it again with backoff; once it is back, one
   * round runs at once for what was committed meanwhile.
   */
  async function listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: opts.listenUrl,
      application_name: `outbox-listen:${opts.schema}`,
    });
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (listener === client) listener = null;
      client.end().catch(() => {});
      if (!running) return;
      opts.log.warn({ err }, "outbox LISTEN connection lost; polling until it is back");
      scheduleListen();
    };
    client.on("notification", notify);
    client.on("error", onLost);
    client.on("end", () => onLost());
    try {
      await client.connect();
      await client.query(`listen "outbox_${opts.schema.replaceAll('"', "")}"`);
      if (!running || lost) {
        await client.end().catch(() => {});
        return;
      }
      listener = client;
      if (listenFailures > 0) {
        opts.log.info({ attempts: listenFailures }, "outbox LISTEN connection back");
        notify();
      }
      listenFailures = 0;
    } catch (err) {
      if (!lost) {
        lost = true;
        await client.end().catch(() => {});
        if (!running) return;
        opts.log.warn({ err }, "outbox LISTEN unavailable; polling until it is back");
        scheduleListen();
      }
    }
  }

  function scheduleListen() {
    if (relisten || !running) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(listenFailures, 6));
    listenFailures++;
    relisten = setTimeout(() => {
      relisten = null;
      if (running) void listen();
    }, delay);
    relisten.unref?.();
  }
}
export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
