// Bundles the agent (or any entry) into one ESM file with esbuild: a director then starts it
// with plain `node`, with no TypeScript transform at start-up (seconds under emulation).
// npm packages stay external and resolve from node_modules at run time (netlink is native).
import { build } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = join(fileURLToPath(import.meta.url), "..", "..");

export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    logLevel: "error",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = join(REPO_ROOT, "dist", "agent.mjs");
  await bundle("agent/main.ts", out);
  console.log(`built ${out}`);
}
