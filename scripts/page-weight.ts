// The page-weight budget (issue 16 item 8): how much JavaScript a browser downloads to show a
// page, gzip-measured from the production build (`next build`, in NEXT_DIST_DIR or .next).
// A page's scripts are the framework's (build-manifest.json rootMainFiles, loaded by every
// page) plus the chunks of its layouts and page (Turbopack's client reference manifest,
// entryJSFiles). Chunks behind a dynamic import() load later, on demand, and do not count;
// the legacy polyfills are `nomodule` (never loaded by a current browser) and do not count.
//
//   npx tsx scripts/page-weight.ts        prints every page, exits 1 when a budget is exceeded
// scripts/test.sh runs it right after `next build`; test/unit/page-weight.test.ts holds it too.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

/** Gzip budgets in KiB per page (the route as Next's manifests name it). */
export const BUDGETS_KIB: Record<string, number> = { "/(dashboard)/page": 170 };

export interface PageWeight {
  route: string;
  files: { file: string; bytes: number; gzip: number }[];
  gzip: number;
}

export function distDir(root = process.cwd()): string {
  return resolve(root, process.env.NEXT_DIST_DIR ?? ".next");
}

/** Whether `dir` holds a finished production build. */
export function hasBuild(dir: string): boolean {
  return existsSync(join(dir, "BUILD_ID")) && existsSync(join(dir, "build-manifest.json"));
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** The chunks (paths relative to the dist dir, "static/chunks/...") a route loads up front. */
export function routeFiles(dir: string, route: string): string[] {
  const files = new Set(readJson<{ rootMainFiles: string[] }>(join(dir, "build-manifest.json")).rootMainFiles);
  const manifestPath = join(dir, "server", "app", `${route}_client-reference-manifest.js`);
  if (!existsSync(manifestPath)) throw new Error(`no client reference manifest for ${route} in ${dir} (not an app route?)`);
  // the manifest is a script that assigns globalThis.__RSC_MANIFEST[route]: run it in a sandbox
  const sandbox: { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  runInNewContext(readFileSync(manifestPath, "utf8"), { globalThis: sandbox });
  const entries = sandbox.__RSC_MANIFEST?.[route]?.entryJSFiles;
  if (!entries) throw new Error(`${manifestPath} has no entryJSFiles for ${route} (a webpack build? this reads Turbopack's)`);
  for (const list of Object.values(entries)) for (const f of list) files.add(f);
  return [...files];
}

export function measureRoute(dir: string, route: string): PageWeight {
  const files = routeFiles(dir, route).map((file) => {
    const body = readFileSync(join(dir, file));
    return { file, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  return { route, files, gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

/** Every app page of the build (from app-path-routes-manifest.json: "/(dashboard)/page" ...). */
export function appPages(dir: string): string[] {
  const routes = readJson<Record<string, string>>(join(dir, "app-path-routes-manifest.json"));
  return Object.keys(routes).filter((r) => r.endsWith("/page") && !r.startsWith("/_"));
}

export const kib = (bytes: number) => (bytes / 1024).toFixed(1);

function main(): number {
  const dir = distDir();
  if (!hasBuild(dir)) {
    console.error(`page-weight: no production build in ${dir}: run \`next build\` first`);
    return 1;
  }
  let over = 0;
  console.log("page weight (JavaScript loaded up front, gzip -9):");
  for (const route of appPages(dir).sort()) {
    const w = measureRoute(dir, route);
    const budget = BUDGETS_KIB[route];
    const verdict = budget === undefined ? "" : w.gzip <= budget * 1024 ? ` (budget ${budget} KiB: ok)` : ` (budget ${budget} KiB: OVER)`;
    if (budget !== undefined && w.gzip > budget * 1024) over++;
    console.log(`  ${route.padEnd(44)} ${kib(w.gzip).padStart(6)} KiB in ${w.files.length} files${verdict}`);
  }
  return over > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
