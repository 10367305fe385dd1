/**
 * Admission to a lot's money path, per instance: at most `perLot` bids of one lot hold funds and run
 * their transaction at a time; the others wait their turn in arrival order. A bid admitted late reads
 * the lot again before it asks the bank for anything, so on a hot lot — hundreds of bidders at the
 * same next minimum — the bids the price has already passed are refused as BID_TOO_LOW with one read,
 * instead of each placing and then releasing a bank hold. The gate is an optimisation, not the
 * serialisation: the lot's row lock still decides (several instances each have their own gate).
 */
export type LotGate = {
  /** Runs `fn` once the lot admits it; `fn` gets `release` to give its place up early. */
  run<T>(lotId: string, fn: (release: () => void) => Promise<T>): Promise<T>;
  /** Bids waiting and running, for one lot (tests and metrics). */
  load(lotId: string): { running: number; waiting: number };
};

type Entry = { running: number; queue: (() => void)[] };

export function createLotGate(perLot: number): LotGate {
  if (!Number.isInteger(perLot) || perLot < 1)
    throw new Error(`perLot must be a positive integer: ${perLot}`);
  const lots = new Map<string, Entry>();

  function acquire(lotId: string): Promise<void> {
    let e = lots.get(lotId);
    if (!e) {
      e = { running: 0, queue: [] };
      lots.set(lotId, e);
    }
    if (e.running < perLot) {
      e.running++;
      return Promise.resolve();
    }
    const entry = e;
    return new Promise((ok) => entry.queue.push(ok));
  }

  function releaser(lotId: string) {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const e = lots.get(lotId)!;
      const next = e.queue.shift();
      if (next)
        next(); // the place passes on: `running` stays
      else if (--e.running === 0) lots.delete(lotId);
    };
  }

  return {
    async run(lotId, fn) {
      await acquire(lotId);
      const release = releaser(lotId);
      try {
        return await fn(release);
      } finally {
        release();
      }
    },
    load(lotId) {
      const e = lots.get(lotId);
      return { running: e?.running ?? 0, waiting: e?.queue.length ?? 0 };
    },
  };
}
