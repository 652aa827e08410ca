import type { NextConfig } from "next";

// The dashboard is served by our own Node process (server/main.ts), which also hosts the
// browser WebSocket hub and the REST API on the same port; Next renders the pages.
const config: NextConfig = {
  // NEXT_DIST_DIR lets a test run or the demo keep its build apart from a developer's.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // Types are checked once for the whole repo by `npm run typecheck` (part of `npm test`);
  // a second check inside `next build` would only double the build time on two cores.
  typescript: { ignoreBuildErrors: true, tsconfigPath: "tsconfig.next.json" },
  serverExternalPackages: ["better-sqlite3", "netlink"],
};
export default config;
