/** One measured figure, reported beside a baseline measured in the same run when there is one. */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  /** e.g. "p99 ≤ 100 ms"; `met` says whether this run met it */
  goal?: string;
  met?: boolean;
  baseline?: { name: string; value: number; unit: string };
};

export type BenchResult = {
  name: string;
  description: string;
  figures: Figure[];
  notes?: string[];
  /** Set by the runner: how long the benchmark took, and the 1/5/15-minute load average before it. */
  seconds?: number;
  loadAverageBefore?: number[];
};

/** A benchmark: `bench/<name>.bench.ts` default-exports one. It sets up and tears down what it needs. */
export type Bench = { name: string; run(): Promise<BenchResult> };
