// The lvs-fleet-server Debian package: the dashboard server (server/main.ts) and
// `lvs-fleet setup-admin` bundled by esbuild into /usr/lib/lvs-fleet/bin, beside the Next.js
// production build (.next without its cache) and the npm packages the server loads at run time
// (next, react, the native better-sqlite3 and argon2: the production dependency closure of
// package-lock.json, as installed here), a systemd unit (deploy/lvs-fleet-server.service),
// /etc/default/lvs-fleet-server and the data directory /var/lib/lvs-fleet (0700).
import { build } from "esbuild";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { PackageMeta } from "./package-agent.ts";
import { DebTree } from "./package-deb.ts";

export const SERVER_LIB = "/usr/lib/lvs-fleet";

interface LockEntry {
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
}

/** node_modules/... paths of the lock's production packages that are installed here. */
export function productionPackages(repoRoot: string): string[] {
  const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  return Object.entries(lock.packages)
    .filter(([path, e]) => path.startsWith("node_modules/") && !e.dev && !e.devOptional)
    // a nested copy is inside its parent's folder already
    .filter(([path]) => !path.slice("node_modules/".length).includes("/node_modules/"))
    .map(([path]) => path)
    // other platforms' optional binaries are listed but not installed
    .filter((path) => existsSync(join(repoRoot, path)))
    .filter((path) => !RUNTIME_UNUSED.test(path.slice("node_modules/".length)));
}

/**
 * Production dependencies the packaged server never loads: tsx and esbuild (the server is
 * bundled already), sharp and its libvips (next's image optimizer; the dashboard has no
 * images), and musl builds of the native addons (Debian is glibc).
 */
const RUNTIME_UNUSED = /^(tsx|esbuild|@esbuild\/.*|sharp|@img\/.*|.*-musl)$/;

/** Files of npm packages that lintian refuses in a package (and nothing at run time reads). */
export function isPackagingLeftover(name: string): boolean {
  return /^(\.npmignore|\.eslintrc(\..*)?|\.eslintignore)$/.test(name);
}

async function bundleEntry(repoRoot: string, entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(repoRoot, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // next and the native addons must stay files on disk (next reads its own tree at run time)
    packages: "external",
    banner: { js: "#!/usr/bin/node" },
    sourcemap: "inline",
    logLevel: "error",
  });
}

const LVS_FLEET = `#!/bin/sh
# lvs-fleet setup-admin [--username NAME] [--password-file FILE] [--reset]: the first (or a
# recovered) dashboard admin, in the server's database (/var/lib/lvs-fleet unless --data).
set -e
case "$1" in
  setup-admin) shift; exec /usr/bin/node ${SERVER_LIB}/bin/setup-admin.mjs --data "\${LVS_FLEET_DATA:-/var/lib/lvs-fleet}" "$@" ;;
  *) echo "usage: lvs-fleet setup-admin [--username NAME] [--password-file FILE] [--reset]" >&2; exit 2 ;;
esac
`;

const POSTINST = `if [ "$1" = configure ]; then
  chmod 700 /var/lib/lvs-fleet
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
  fi
  echo "lvs-fleet-server: create the first admin with: lvs-fleet setup-admin; then: systemctl enable --now lvs-fleet-server"
fi`;

const PRERM = `if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop lvs-fleet-server.service || true
fi`;

const POSTRM = `if [ "$1" = purge ]; then
  rm -rf /var/lib/lvs-fleet
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi`;

export async function packageServer(meta: PackageMeta, stageDir: string, outDir: string): Promise<string> {
  const root = meta.repoRoot;
  const nextDir = join(root, process.env.NEXT_DIST_DIR ?? ".next");
  if (!existsSync(join(nextDir, "BUILD_ID"))) throw new Error(`no Next.js production build in ${nextDir}: run npx next build first`);
  const deb = new DebTree(join(stageDir, "lvs-fleet-server"), {
    Package: "lvs-fleet-server",
    Version: meta.version,
    Architecture: "amd64",
    Maintainer: meta.maintainer,
    Depends: "nodejs (>= 20), libc6",
    Section: "net",
    Priority: "optional",
    Description:
      "LVS fleet dashboard: web UI and API for fleets of LVS directors\n" +
      " One Node.js process serving the Next.js dashboard, its REST API and a live\n" +
      " WebSocket; it keeps a link to every lvs-agent and stores directors, drain\n" +
      " jobs, the audit log and stats history in SQLite.",
  });
  const lib = SERVER_LIB;
  deb.dir(`${lib}/bin`);
  await bundleEntry(root, "server/main.ts", deb.at(`${lib}/bin/server.mjs`));
  await bundleEntry(root, "scripts/setup-admin.ts", deb.at(`${lib}/bin/setup-admin.mjs`));
  deb.file(`${lib}/bin/server.mjs`, readFileSync(deb.at(`${lib}/bin/server.mjs`)), 0o755);
  deb.file(`${lib}/bin/setup-admin.mjs`, readFileSync(deb.at(`${lib}/bin/setup-admin.mjs`)), 0o755);
  // next({ dir }) is /usr/lib/lvs-fleet: its build in .next and its config beside it
  for (const part of readdirSync(nextDir)) {
    // the build cache and traces are for the next build, not for serving
    if (part !== "cache" && part !== "trace" && part !== "types") deb.copy(join(nextDir, part), `${lib}/.next/${part}`);
  }
  for (const f of ["next.config.ts", "package.json"]) deb.copy(join(root, f), `${lib}/${f}`);
  for (const p of productionPackages(root)) deb.copy(join(root, p), `${lib}/${p}`);
  deb.prune(`${lib}/node_modules`, isPackagingLeftover);
  // native addons as Debian ships shared objects: without debugging symbols
  for (const so of deb.find(`${lib}/node_modules`, (n) => /\.(node|so(\.\d+)*)$/.test(n))) {
    // prebuilt addons for other machines (netlink ships arm, arm64, ia32) are never loaded here
    if (/\/prebuilds\/(?!linux-x64\/)/.test(so)) rmSync(deb.at(so));
    else deb.strip(so);
  }

  deb.file("/usr/bin/lvs-fleet", LVS_FLEET, 0o755);
  deb.file("/lib/systemd/system/lvs-fleet-server.service", readFileSync(join(root, "deploy", "lvs-fleet-server.service")));
  deb.file("/etc/default/lvs-fleet-server", readFileSync(join(root, "deploy", "lvs-fleet-server.default")), 0o644, true);
  deb.dir("/var/lib/lvs-fleet", 0o700);
  deb.file("/usr/share/doc/lvs-fleet-server/server.md", readFileSync(join(root, "docs", "server.md")));
  deb.docs(meta.copyright, meta.changelog("lvs-fleet-server"));
  deb.script("postinst", POSTINST);
  deb.script("prerm", PRERM);
  deb.script("postrm", POSTRM);
  // hundreds of megabytes (next and its SWC binary): fast gzip rather than minutes of xz
  return deb.build(outDir, { type: "gzip", level: 1 });
}
