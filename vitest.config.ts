import { defineConfig } from "vitest/config";

const exclude = ["**/node_modules/**", "**/dist/**", "**/.data/**"];

export default defineConfig({
  test: {
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["{packages,services,apps}/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...exclude, "**/*.int.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "int",
          sequence: { groupOrder: 1 },
          include: ["{packages,services,apps}/**/*.int.test.ts", "test/**/*.int.test.ts"],
          exclude,
          environment: "node",
          pool: "forks",
          maxWorkers: 2,
          fileParallelism: true,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
