import { defineConfig } from "vitest/config";

// Test kind is in the file name: *.unit.spec.ts run in seconds, *.int.spec.ts start real servers
// (nats-server, child processes) and may take minutes. `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.unit.spec.ts", "services/*/test/**/*.unit.spec.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "int",
          include: [
            "packages/*/test/**/*.int.spec.ts",
            "services/*/test/**/*.int.spec.ts",
            "test/**/*.e2e.spec.ts",
          ],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Integration suites start their own servers and child processes; two cores only.
          maxWorkers: 2,
          minWorkers: 1,
        },
      },
    ],
  },
});
