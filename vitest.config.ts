import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Two projects: `unit` never needs a guest; `lab` shares real-kernel guests booted once per
// run by its globalSetup (test/lab/global-setup.ts) across all of its files.
export default defineConfig({
  // "@/protocol/ipvs.ts" is the repo's root (tsconfig.json paths), as for tsc, tsx, esbuild and Next
  resolve: { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL("./", import.meta.url)) }] },
  test: {
    // every server a test starts holds its REST answers to the contract (server/http/reply-check.ts)
    env: { LVS_CHECK_REPLIES: "1" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: "lab",
          include: ["test/lab/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/lab/global-setup.ts"],
          // Guests are shared; files run one at a time so they don't fight over two cores.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
