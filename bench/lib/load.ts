import { performance } from "node:perf_hooks";

/** The q-quantile (0..1) of the samples (nearest rank). */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}

export type LoadResult = {
  ok: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  errorSamples: string[];
};

/**
 * Runs `fn` from `concurrency` workers until `total` calls were made or `maxMs` passed (both bound
 * the run), timing each call. `fn(i, worker)` gets the call index and the worker index.
 */
export async function runLoad(opts: {
  concurrency: number;
  total: number;
  maxMs: number;
  fn: (i: number, worker: number) => Promise<unknown>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, worker) => {
      while (next < opts.total && performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        try {
          await opts.fn(i, worker);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(String((err as Error)?.message ?? err));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    ok: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: quantile(latencies, 1),
    errorSamples,
  };
}

/** Rounds for reports. */
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
