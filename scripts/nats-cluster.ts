/**
 * A three-node NATS cluster with JetStream on this machine (loopback only), as production runs it
 * (deploy/k8s/base/nats.yaml): every node has its own store directory, one cluster name and routes to
 * the others, so streams created with `num_replicas: 3` survive the loss of any one node.
 *
 *   npx tsx scripts/nats-cluster.ts            # client ports 14222-14224, Ctrl-C stops it
 *   NATS_CLUSTER_PORT=24222 npx tsx scripts/nats-cluster.ts
 *
 * Then e.g. `NATS_URL=nats://127.0.0.1:14222,nats://127.0.0.1:14223,nats://127.0.0.1:14224 npm run db:migrate`.
 * test/nats-cluster.int.test.ts uses `startNatsCluster` to kill and restart a node under a workload.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export type NatsNode = {
  name: string;
  /** Client port. */
  port: number;
  /** Cluster (route) port. */
  clusterPort: number;
  /** HTTP monitoring port (/varz, /jsz, /routez). */
  monitorPort: number;
  url: string;
  storeDir: string;
  running(): boolean;
  /** Starts the node (again) with the same name, ports and store; resolves when it accepts clients. */
  start(): Promise<void>;
  /** Sends `signal` (SIGTERM by default) and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export type NatsCluster = {
  nodes: NatsNode[];
  /** Every node's client URL, comma-separated (the form NATS_URL takes). */
  url: string;
  stop(): Promise<void>;
};

export type NatsClusterOptions = {
  /** Client ports are basePort + i; 0 (the default) picks free ports. */
  basePort?: number;
  /** Parent of the per-node store directories; default `.data/nats-cluster-<pid>`. */
  dataDir?: string;
  /** Remove the store directories on stop (default true). */
  cleanup?: boolean;
  size?: number;
  clusterName?: string;
  /** Show the servers' logs on stderr. */
  verbose?: boolean;
  /** Also write each node's log to `<dataDir>/<name>.log` (appended across restarts). */
  logToFile?: boolean;
};

export function natsServerBinary(): string {
  const found = spawnSync("sh", ["-c", "command -v nats-server"], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  if (existsSync("/usr/sbin/nats-server")) return "/usr/sbin/nats-server";
  throw new Error("nats-server is not installed: apt-get install -y nats-server");
}

/** A port nothing listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => res(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(300, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

export async function startNatsCluster(opts: NatsClusterOptions = {}): Promise<NatsCluster> {
  const bin = natsServerBinary();
  const size = opts.size ?? 3;
  const clusterName = opts.clusterName ?? "arte";
  const dataDir = resolve(ROOT, opts.dataDir ?? `.data/nats-cluster-${process.pid}`);
  const ports: { port: number; clusterPort: number; monitorPort: number }[] = [];
  for (let i = 0; i < size; i++) {
    if (opts.basePort)
      ports.push({
        port: opts.basePort + i,
        clusterPort: opts.basePort + 2000 + i,
        monitorPort: opts.basePort + 4000 + i,
      });
    else ports.push({ port: await freePort(), clusterPort: await freePort(), monitorPort: await freePort() });
  }
  const routes = ports.map((p) => `nats://127.0.0.1:${p.clusterPort}`).join(",");

  const nodes: NatsNode[] = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const storeDir = resolve(dataDir, name);
    let child: ChildProcess | null = null;
    const args = [
      "--addr",
      "127.0.0.1",
      "--port",
      String(p.port),
      "--http_port",
      String(p.monitorPort),
      "--server_name",
      name,
      "--jetstream",
      "--store_dir",
      storeDir,
      "--cluster_name",
      clusterName,
      "--cluster",
      `nats://127.0.0.1:${p.clusterPort}`,
      // Every node lists every route (its own included: the server recognises and skips itself).
      "--routes",
      routes,
      ...(opts.logToFile ? ["--log", resolve(dataDir, `${name}.log`)] : []),
    ];
    const node: NatsNode = {
      name,
      ...p,
      url: `nats://127.0.0.1:${p.port}`,
      storeDir,
      running: () => child !== null && child.exitCode === null && child.signalCode === null,
      async start() {
        if (node.running()) return;
        mkdirSync(storeDir, { recursive: true });
        const c = spawn(bin, args, { stdio: ["ignore", opts.verbose ? "inherit" : "ignore", "pipe"] });
        child = c;
        let stderr = "";
        c.stderr?.on("data", (d: Buffer) => {
          stderr = (stderr + d.toString()).slice(-4000);
          if (opts.verbose) process.stderr.write(d);
        });
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
          if (c.exitCode !== null) throw new Error(`nats-server ${name} exited (${c.exitCode}): ${stderr}`);
          if (await portOpen(p.port)) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`nats-server ${name} did not listen on ${p.port}: ${stderr}`);
      },
      async stop(signal = "SIGTERM") {
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return;
        await new Promise<void>((res) => {
          c.once("exit", () => res());
          c.kill(signal);
          setTimeout(() => {
            c.kill("SIGKILL");
          }, 5000).unref();
        });
      },
    };
    return node;
  });

  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop("SIGTERM")));
    if (opts.cleanup ?? true) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, url: nodes.map((n) => n.url).join(","), stop };
}

/** Waits until every node reports `size - 1` routes and a JetStream meta leader (via /jsz). */
export async function waitForClusterReady(cluster: NatsCluster, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const states = await Promise.all(
        cluster.nodes.map(async (n) => {
          const r = await fetch(`http://127.0.0.1:${n.monitorPort}/jsz`, {
            signal: AbortSignal.timeout(1000),
          });
          const j = (await r.json()) as { meta_cluster?: { leader?: string; cluster_size?: number } };
          return j.meta_cluster;
        }),
      );
      if (states.every((s) => s?.leader && s.cluster_size === cluster.nodes.length)) return;
      last = JSON.stringify(states);
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the NATS cluster did not form in ${timeoutMs} ms: ${last}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const basePort = Number(process.env.NATS_CLUSTER_PORT ?? 14222);
  const cluster = await startNatsCluster({
    basePort,
    dataDir: process.env.NATS_CLUSTER_DIR ?? ".data/nats-cluster",
    cleanup: false,
    verbose: process.env.VERBOSE === "1",
  });
  await waitForClusterReady(cluster);
  for (const n of cluster.nodes)
    process.stdout.write(
      `[nats] ${n.name}  client ${n.url}  routes :${n.clusterPort}  monitor http://127.0.0.1:${n.monitorPort}  store ${n.storeDir}\n`,
    );
  process.stdout.write(
    `[nats] NATS_URL=${cluster.url}\n[nats] Ctrl-C stops the cluster (stores are kept).\n`,
  );
  const bye = () => void cluster.stop().then(() => process.exit(0));
  process.on("SIGINT", bye);
  process.on("SIGTERM", bye);
}
