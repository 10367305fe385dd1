/**
 * Clustering, shown on this machine: a three-node NATS cluster (scripts/nats-cluster.ts), one stream
 * with three replicas, an outbox-style publisher (every message has a `Nats-Msg-Id` and is published
 * again until the broker acknowledges it) and a durable consumer running the whole time. Mid-workload
 * the stream's leader is killed with SIGKILL, the workload goes on against the other two, the node is
 * restarted. Every acknowledged message must then be in the stream exactly once (read back from the
 * stream leader), on a majority of the replicas at least, and the consumer must have read them all.
 *
 * The restarted replica's own catch-up is the NATS server's job and is reported, not asserted: on
 * nats-server 2.9.10 (this machine's) a replica restarted after SIGKILL occasionally stays behind
 * (three CI attempts in a row once, right after boot; upstream reports such stalls, e.g.
 * nats-io/nats-server#8319). What Arte Moderni relies on is the quorum: an acknowledged message is on
 * two of three replicas, so losing any one node loses nothing. docs/scaling.md has the operator's
 * remedy for a lagging replica.
 */

import { readFileSync } from "node:fs";
import { jetstream, jetstreamManager, type PubAck } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type NatsCluster, startNatsCluster, waitForClusterReady } from "../scripts/nats-cluster.js";

const STREAM = "CLUSTER_DEMO";
const SUBJECT = "demo.bid";
const TOTAL = 600;
const LANES = 6;

let cluster: NatsCluster;
let nc: NatsConnection;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  cluster = await startNatsCluster({ dataDir: `.data/nats-cluster-test-${process.pid}`, logToFile: true });
  await waitForClusterReady(cluster);
  nc = await connect({
    servers: cluster.url.split(","),
    name: "cluster-demo",
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
}, 40_000);

afterAll(async () => {
  await nc?.close().catch(() => {});
  await cluster?.stop();
});

/** The last lines of every node's log, printed when the test fails. */
function logTails(lines = 40): string {
  return cluster.nodes
    .map((n) => {
      let text = "";
      try {
        text = readFileSync(`${n.storeDir}.log`, "utf8");
      } catch {
        text = "(no log)";
      }
      return `--- ${n.name} ---\n${text.split("\n").slice(-lines).join("\n")}`;
    })
    .join("\n");
}

type StreamNodeState = { name: string; messages: number; first: number; last: number };

/** The stream's state as one node's monitoring endpoint reports its own replica. */
async function replicaState(monitorPort: number): Promise<StreamNodeState | null> {
  const r = await fetch(`http://127.0.0.1:${monitorPort}/jsz?accounts=true&streams=true`, {
    signal: AbortSignal.timeout(1000),
  });
  const j = (await r.json()) as {
    account_details?: {
      stream_detail?: { name: string; state: { messages: number; first_seq: number; last_seq: number } }[];
    }[];
  };
  for (const a of j.account_details ?? [])
    for (const s of a.stream_detail ?? [])
      if (s.name === STREAM)
        return { name: s.name, messages: s.state.messages, first: s.state.first_seq, last: s.state.last_seq };
  return null;
}

describe("a three-node NATS cluster with an R3 stream", () => {
  it("loses and duplicates nothing when the stream leader is killed mid-workload and comes back", {
    retry: 1,
    timeout: 90_000,
  }, async () => {
    onTestFailed(() => {
      process.stdout.write(`[nats-cluster] node logs:\n${logTails()}\n`);
    });
    const started = Date.now();
    const jsm = await jetstreamManager(nc, { timeout: 3000 });
    const js = jetstream(nc, { timeout: 3000 });
    // Each attempt starts from an empty stream (a retry must not count the previous attempt's messages).
    await jsm.streams.delete(STREAM).catch(() => {});
    await jsm.streams.add({
      name: STREAM,
      subjects: [`${SUBJECT}`],
      num_replicas: 3,
      duplicate_window: 120 * 1_000_000_000,
    });
    await jsm.consumers.add(STREAM, {
      durable_name: "reader",
      ack_policy: "explicit",
      ack_wait: 2_000_000_000,
    });
    const info = await jsm.streams.info(STREAM);
    expect(info.config.num_replicas).toBe(3);
    const leaderName = info.cluster?.leader;
    expect(leaderName).toBeTruthy();
    const victim = cluster.nodes.find((n) => n.name === leaderName)!;

    // The consumer: reads and acks the whole time; counts deliveries per id (an inbox would drop repeats).
    const deliveries = new Map<string, number>();
    let reading = true;
    const reader = (async () => {
      while (reading || deliveries.size < TOTAL) {
        try {
          const c = await js.consumers.get(STREAM, "reader");
          const batch = await c.fetch({ max_messages: 100, expires: 1000 });
          for await (const m of batch) {
            const id = m.headers?.get("Nats-Msg-Id") ?? "";
            deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
            m.ack();
          }
        } catch {
          await sleep(100); // no leader for the consumer yet, or reconnecting: try again
        }
        if (!reading && Date.now() - started > 80_000) break;
      }
    })();

    // The publisher: outbox rows m-0 … m-(TOTAL-1), each published until acknowledged.
    const acks = new Map<string, PubAck>();
    let next = 0;
    let retries = 0;
    let duplicatesReported = 0;
    const publishUntilAcked = async (id: string) => {
      for (;;) {
        try {
          const ack = await js.publish(SUBJECT, JSON.stringify({ id }), { msgID: id, timeout: 2000 });
          if (ack.duplicate) duplicatesReported++;
          acks.set(id, ack);
          return;
        } catch {
          retries++;
          await sleep(50);
        }
      }
    };
    const lane = async () => {
      for (;;) {
        const i = next++;
        if (i >= TOTAL) return;
        await publishUntilAcked(`m-${i}`);
        await sleep(5);
      }
    };
    const chaos = (async () => {
      while (acks.size < TOTAL / 3) await sleep(10);
      await victim.stop("SIGKILL");
      const killedAt = acks.size;
      while (acks.size < (2 * TOTAL) / 3) await sleep(10);
      await victim.start();
      return { killedAt, restartedAt: acks.size };
    })();
    await Promise.all(Array.from({ length: LANES }, lane));
    const { killedAt, restartedAt } = await chaos;
    expect(killedAt).toBeLessThan(TOTAL);
    expect(restartedAt).toBeLessThan(TOTAL);

    // Every id was acknowledged; each is in the stream exactly once, read back message by message
    // from the stream leader (an ordered consumer could be placed on a replica that is still behind).
    expect(acks.size).toBe(TOTAL);
    const after = await jsm.streams.info(STREAM);
    expect(after.state.messages).toBe(TOTAL);
    const seen = new Map<string, number>();
    for (let seq = after.state.first_seq; seq <= after.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(STREAM, { seq });
      expect(m, `message ${seq}`).toBeTruthy();
      const id = m?.header.get("Nats-Msg-Id") ?? "";
      expect((m?.json() as { id: string } | undefined)?.id).toBe(id);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect(seen.size).toBe(TOTAL);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const id of acks.keys()) expect(seen.get(id)).toBe(1);
    // Each acknowledged sequence number is a distinct message.
    expect(new Set([...acks.values()].filter((a) => !a.duplicate).map((a) => a.seq)).size).toBe(
      TOTAL - duplicatesReported,
    );

    // A majority of the replicas hold every message; the restarted one is given time to catch up.
    const deadline = Date.now() + 20_000;
    let states: (StreamNodeState | null)[] = [];
    while (Date.now() < deadline) {
      states = await Promise.all(cluster.nodes.map((n) => replicaState(n.monitorPort).catch(() => null)));
      if (states.every((s) => s?.messages === TOTAL)) break;
      await sleep(200);
    }
    const complete = states.filter((s) => s?.messages === TOTAL).length;
    expect(complete).toBeGreaterThanOrEqual(2);
    const victimState = states[cluster.nodes.indexOf(victim)];
    expect(victim.running()).toBe(true);

    // The consumer read them all (redeliveries after the failover are allowed: consumers are at-least-once).
    reading = false;
    await reader;
    expect(deliveries.size).toBe(TOTAL);
    for (const id of acks.keys()) expect(deliveries.get(id)).toBeGreaterThanOrEqual(1);

    const redelivered = [...deliveries.values()].filter((n) => n > 1).length;
    process.stdout.write(
      `[nats-cluster] ${TOTAL} acked; leader ${victim.name} killed at ${killedAt}, restarted at ${restartedAt}; ` +
        `${retries} publish retries, ${duplicatesReported} dropped as duplicates by the broker; ` +
        `${redelivered} redelivered to the consumer; restarted replica holds ${victimState?.messages ?? "?"} of ${TOTAL}; ` +
        `${Date.now() - started} ms\n`,
    );
  });
});
