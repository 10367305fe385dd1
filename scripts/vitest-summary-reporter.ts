import { appendFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one line `N passed, N failed` after vitest's own summary (CI reads only that line), and, when
 * ARTE_TEST_SUMMARY names a file, appends the counts there so `.ci/run` can add up every step.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but is a failure.
      if (m.state() === "failed" && [...m.children.allTests()].length === 0) failed++;
    }
    const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
    process.stdout.write(`\n${line}\n`);
    if (process.env.ARTE_TEST_SUMMARY)
      appendFileSync(process.env.ARTE_TEST_SUMMARY, `${passed} ${failed} ${skipped}\n`);
  }
}
