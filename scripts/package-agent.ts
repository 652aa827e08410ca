// The lvs-agent Debian package: the agent and lvsctl as single bundled files (every npm
// dependency inside, except the netlink addon, which is copied beside them with its prebuilt
// linux-x64 .node and node-gyp-build that loads it), the systemd unit, /etc/default/lvs-agent,
// the token directory /etc/lvs-agent (0700, a random token made on install) and the state
// directory /var/lib/lvs-agent (0700). Runs with plain node: no tsx, no checkout.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DebTree } from "./package-deb.ts";

export const AGENT_LIB = "/usr/lib/lvs-agent";

export interface PackageMeta {
  repoRoot: string;
  version: string;
  maintainer: string;
  copyright: string;
  changelog: (pkg: string) => string;
}

/** One ESM file with every npm package inside but `external` (left to node_modules). */
export async function bundleSelfContained(repoRoot: string, entry: string, outfile: string, external: string[], shebang = false): Promise<void> {
  await build({
    entryPoints: [join(repoRoot, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    // bundled CommonJS packages (ws) call require() for node built-ins: give ESM one
    banner: { js: `${shebang ? "#!/usr/bin/node\n" : ""}import { createRequire as __lvsCreateRequire } from "node:module"; const require = __lvsCreateRequire(import.meta.url);` },
    // no source map and no whitespace: node parses the whole file at every start, which
    // takes seconds under emulation for the unminified bundle with an inline map
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "error",
  });
}

const POSTINST = `if [ "$1" = configure ]; then
  # the agent refuses to start without a token: make a random one, readable by root only
  if [ ! -s /etc/lvs-agent/token ]; then
    umask 077
    od -An -N32 -tx1 /dev/urandom | tr -d ' \\n' > /etc/lvs-agent/token
    echo "lvs-agent: a new token is in /etc/lvs-agent/token (give it to the dashboard)"
  fi
  chmod 700 /etc/lvs-agent /var/lib/lvs-agent
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
  fi
  echo "lvs-agent: check /etc/default/lvs-agent, then: systemctl enable --now lvs-agent"
fi`;

const PRERM = `if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop lvs-agent.service || true
fi`;

const POSTRM = `if [ "$1" = purge ]; then
  rm -f /etc/lvs-agent/token
  rm -rf /var/lib/lvs-agent
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi`;

export async function packageAgent(meta: PackageMeta, stageDir: string, outDir: string): Promise<string> {
  const deb = new DebTree(join(stageDir, "lvs-agent"), {
    Package: "lvs-agent",
    Version: meta.version,
    Architecture: "amd64",
    Maintainer: meta.maintainer,
    Depends: "nodejs (>= 20), libc6, kmod",
    Section: "net",
    Priority: "optional",
    Description:
      "LVS fleet agent: the IPVS table of a director over a WebSocket\n" +
      " A daemon for Linux Virtual Server directors: it speaks IPVS generic netlink\n" +
      " (services, real servers, stats, sync daemons), streams the connection table,\n" +
      " applies LVS sysctls and serves an authenticated WebSocket for the lvs-fleet\n" +
      " dashboard. Includes lvsctl, ipvsadm's command line through an agent.",
  });
  const lib = AGENT_LIB;
  deb.dir(lib);
  await bundleSelfContained(meta.repoRoot, "agent/main.ts", deb.at(`${lib}/agent.mjs`), ["netlink"]);
  await bundleSelfContained(meta.repoRoot, "cli/lvsctl.ts", deb.at(`${lib}/lvsctl.mjs`), ["netlink"], true);
  deb.file(`${lib}/agent.mjs`, readFileSync(deb.at(`${lib}/agent.mjs`)), 0o644);
  deb.file(`${lib}/lvsctl.mjs`, readFileSync(deb.at(`${lib}/lvsctl.mjs`)), 0o755);
  // the native addon and its loader, exactly as npm installed them, amd64 prebuild only
  const nm = join(meta.repoRoot, "node_modules");
  for (const part of ["package.json", "LICENSE", "dist"]) deb.copy(join(nm, "netlink", part), `${lib}/node_modules/netlink/${part}`);
  deb.copy(join(nm, "netlink", "prebuilds", "linux-x64"), `${lib}/node_modules/netlink/prebuilds/linux-x64`);
  deb.strip(`${lib}/node_modules/netlink/prebuilds/linux-x64/node.napi.node`);
  deb.copy(join(nm, "node-gyp-build"), `${lib}/node_modules/node-gyp-build`);
  deb.link("/usr/bin/lvsctl", "../lib/lvs-agent/lvsctl.mjs");

  deb.file("/lib/systemd/system/lvs-agent.service", readFileSync(join(meta.repoRoot, "deploy", "lvs-agent.service")));
  deb.file("/etc/default/lvs-agent", readFileSync(join(meta.repoRoot, "deploy", "lvs-agent.default")), 0o644, true);
  deb.dir("/etc/lvs-agent", 0o700);
  deb.dir("/var/lib/lvs-agent", 0o700);
  deb.file("/usr/share/doc/lvs-agent/agent.md", readFileSync(join(meta.repoRoot, "docs", "agent.md")));
  deb.docs(meta.copyright, meta.changelog("lvs-agent"));
  deb.script("postinst", POSTINST);
  deb.script("prerm", PRERM);
  deb.script("postrm", POSTRM);
  return deb.build(outDir);
}
