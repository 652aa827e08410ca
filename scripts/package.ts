// `npm run package`: the Debian packages, built with dpkg-deb into dist/deb/ (ignored by git)
// and checked with lintian when it is installed (an error fails the build; warnings are
// printed). `npm run package -- agent` builds only lvs-agent, `-- server` only the server.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type PackageMeta, packageAgent } from "./package-agent.ts";
import { packageServer } from "./package-server.ts";

const REPO_ROOT = join(fileURLToPath(import.meta.url), "..", "..");
export const DEB_DIR = join(REPO_ROOT, "dist", "deb");

export function packageMeta(): PackageMeta {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string; license: string };
  const maintainer = "lvs-fleet maintainers <lvs-fleet@example.org>";
  return {
    repoRoot: REPO_ROOT,
    version: pkg.version,
    maintainer,
    copyright:
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n" +
      "Upstream-Name: lvs-fleet\n\nFiles: *\nCopyright: 2026 lvs-fleet authors\n" +
      `License: ${pkg.license}\n Permission is hereby granted, free of charge, to any person obtaining a copy of\n` +
      " this software, to deal in the Software without restriction (the MIT license).\n" +
      " Bundled npm packages keep their own licenses (MIT, Apache-2.0, ISC).\n",
    changelog: (name) =>
      `${name} (${pkg.version}) unstable; urgency=medium\n\n  * Built by npm run package.\n\n -- ${maintainer}  Thu, 01 Jan 2026 00:00:00 +0000\n`,
  };
}

/** lintian's errors ("E:" lines); null when lintian is not installed. */
export function lintianErrors(deb: string): { errors: string[]; all: string } | null {
  if (spawnSync("sh", ["-c", "command -v lintian"]).status !== 0) return null;
  const r = spawnSync("lintian", ["--tag-display-limit", "0", deb], { encoding: "utf8" });
  const all = `${r.stdout}${r.stderr}`;
  return { errors: all.split("\n").filter((l) => l.startsWith("E:")), all };
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? "all";
  if (!["all", "agent", "server"].includes(which)) throw new Error(`usage: npm run package [-- agent|server]`);
  if (!existsSync(join(REPO_ROOT, "node_modules", "netlink"))) throw new Error("node_modules is missing: run npm ci first");
  const meta = packageMeta();
  const stage = join(DEB_DIR, "stage");
  const built: string[] = [];
  if (which !== "server") built.push(await packageAgent(meta, stage, DEB_DIR));
  if (which !== "agent") built.push(await packageServer(meta, stage, DEB_DIR));
  let failed = false;
  for (const deb of built) {
    const lint = lintianErrors(deb);
    if (lint === null) console.log(`package: lintian is not installed; ${deb} was not linted`);
    else {
      if (lint.all.trim()) console.log(lint.all.trim());
      if (lint.errors.length > 0) failed = true;
    }
    console.log(`built ${deb}`);
  }
  if (failed) throw new Error("lintian reported errors (E: lines above)");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(`package: ${e.message}`);
    process.exit(1);
  });
}
