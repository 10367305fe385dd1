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
        // A service or package against the real Postgres, Redis and NATS: two files at a time.
        test: {
          name: "int",
          sequence: { groupOrder: 1 },
          include: ["{packages,services,apps}/**/*.int.test.ts"],
          exclude,
          environment: "node",
          pool: "forks",
          maxWorkers: 2,
          fileParallelism: true,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The whole system started by the launcher (a dozen processes each): one file at a time, after
        // the int tier, so timing-sensitive checks do not share two cores with another system.
        test: {
          name: "system",
          sequence: { groupOrder: 2 },
          include: ["test/**/*.int.test.ts"],
          exclude,
          environment: "node",
          pool: "forks",
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
