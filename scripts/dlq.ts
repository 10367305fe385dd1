/**
 * Dead letters, for operators (runbook: docs/runbooks/replay-dead-letters.md).
 *
 *   npx tsx scripts/dlq.ts list [--durable <durable>] [--limit <n>] [--json]
 *   npx tsx scripts/dlq.ts replay <seq> [<seq> …]
 *
 * Reads NATS_URL (default nats://127.0.0.1:4222), NATS_PREFIX, NATS_USER and NATS_PASSWORD.
 */
import { connectBus, listDeadLetters, replayDeadLetter } from "@arte/platform";

const usage = `usage:
  npx tsx scripts/dlq.ts list [--durable <durable>] [--limit <n>] [--json]
  npx tsx scripts/dlq.ts replay <seq> [<seq> ...]`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith("--")) throw new Error(`${name} needs a value`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== "list" && command !== "replay") {
    console.error(usage);
    return 2;
  }
  const bus = await connectBus({
    url: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
    name: "dlq-cli",
    prefix: process.env.NATS_PREFIX ?? "",
    user: process.env.NATS_USER,
    pass: process.env.NATS_PASSWORD,
  });
  try {
    if (command === "list") {
      const limit = option(args, "--limit");
      const letters = await listDeadLetters(bus, {
        durable: option(args, "--durable"),
        limit: limit ? Number(limit) : 1000,
      });
      if (args.includes("--json")) {
        const out = letters.map(({ data, ...l }) => ({ ...l, payload: new TextDecoder().decode(data) }));
        console.log(JSON.stringify(out, null, 2));
        return 0;
      }
      if (letters.length === 0) {
        console.log("no dead letters");
        return 0;
      }
      const rows = letters.map((l) => [
        String(l.seq),
        l.deadAt.toISOString(),
        l.durable,
        l.originalSubject,
        String(l.deliveries),
        l.reason.length > 80 ? `${l.reason.slice(0, 77)}...` : l.reason,
      ]);
      const head = ["SEQ", "DEAD AT", "DURABLE", "ORIGINAL SUBJECT", "DELIVERIES", "REASON"];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [head, ...rows])
        console.log(
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join("  ")
            .trimEnd(),
        );
      console.log(`${letters.length} dead letter(s)`);
      return 0;
    }
    const seqs = args.map(Number);
    if (seqs.length === 0 || seqs.some((s) => !Number.isSafeInteger(s) || s <= 0)) {
      console.error(usage);
      return 2;
    }
    let failed = 0;
    for (const seq of seqs) {
      try {
        const r = await replayDeadLetter(bus, seq);
        console.log(
          `replayed dlq seq ${seq} to ${r.subject} (stream seq ${r.streamSeq}) and removed it from the DLQ`,
        );
      } catch (err) {
        failed++;
        console.error(`dlq seq ${seq}: ${(err as Error).message}`);
      }
    }
    return failed ? 1 : 0;
  } finally {
    await bus.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(String((err as Error)?.message ?? err));
    process.exit(1);
  },
);
