// The lvs-agent Debian package on a real director: built here (npm run package -- agent),
// installed with dpkg -i into the lab guest's overlay (never the host), then the agent it
// installed is started exactly as its unit starts it (the unit's ExecStart with
// /etc/default/lvs-agent's options; only --listen moved beside the lab's own agent) and the
// lvsctl it installed lists the kernel's table through it: byte for byte ipvsadm -Ln. Slow
// parts under TCG: the package build on the host (about a minute) and node starting twice.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlFor, waitForProcess } from "@/lab/api.ts";
import { REPO_ROOT } from "@/lab/paths.ts";
import { director, ipvsadm, labState, ok, resetRules, run } from "./lab.ts";

const d = director(1);
const PROC = "pkg-agent-dir1";
const LISTEN = `127.0.0.1:9499`;
const DEB = join(REPO_ROOT, "dist", "deb", `lvs-agent_${(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version}_amd64.deb`);
const control = () => controlFor(labState(), d.guest);
/**
 * dpkg with its own database holding only the packages lvs-agent depends on: the guest's real
 * one is the host's /var/lib/dpkg over 9p, whose thousands of file lists took dpkg over two
 * minutes to read under TCG. The files still go into the guest's root (its overlay).
 */
const ADMIN = "/tmp/lvs-agent-dpkg";
const dpkg = (...args: string[]) => ["dpkg", `--admindir=${ADMIN}`, ...args];

/** The unit's ExecStart as argv, with $LVS_AGENT_OPTS from the defaults file and `listen`. */
function unitArgv(unit: string, defaults: string, listen: string): string[] {
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1];
  const opts = /^LVS_AGENT_OPTS="([^"]*)"$/m.exec(defaults)?.[1];
  if (!exec || !opts) throw new Error("no ExecStart in the unit or no LVS_AGENT_OPTS in the defaults");
  const words = opts.split(/\s+/).filter(Boolean);
  words[words.indexOf("--listen") + 1] = listen;
  return exec.split(/\s+/).flatMap((w) => (w === "$LVS_AGENT_OPTS" ? words : [w]));
}

beforeAll(async () => {
  const built = spawnSync("npx", ["tsx", "scripts/package.ts", "agent"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run package -- agent failed:\n${built.stdout}${built.stderr}`);
  // through stdin, not the 9p share: the guest's cache=loose view may hold an older .deb
  await ok(d.guest, ["sh", "-c", "base64 -d > /tmp/lvs-agent.deb"], readFileSync(DEB).toString("base64"));
  await run(d.guest, dpkg("--purge", "lvs-agent"));
  await run(d.guest, ["rm", "-rf", ADMIN, "/var/lib/lvs-agent", "/etc/lvs-agent", "/usr/lib/lvs-agent"]);
  await ok(d.guest, ["sh", "-c", `mkdir -p ${ADMIN}/info ${ADMIN}/updates ${ADMIN}/triggers && dpkg-query -s nodejs libc6 kmod > ${ADMIN}/status`]);
  await resetRules(d.name);
}, 240_000);

afterAll(async () => {
  await control().stop(PROC).catch(() => {});
  await run(d.guest, dpkg("--purge", "lvs-agent"));
  await resetRules(d.name);
}, 60_000);

describe("the lvs-agent package", () => {
  it("installs with dpkg -i: files, token and state directories with their modes", async () => {
    const out = await ok(d.guest, dpkg("-i", "/tmp/lvs-agent.deb"));
    expect(out).toContain("a new token is in /etc/lvs-agent/token");
    const modes = await ok(d.guest, ["stat", "-c", "%a %U %n", "/etc/lvs-agent", "/etc/lvs-agent/token", "/var/lib/lvs-agent", "/etc/default/lvs-agent", "/lib/systemd/system/lvs-agent.service", "/usr/lib/lvs-agent/agent.mjs", "/usr/lib/lvs-agent/node_modules/netlink/prebuilds/linux-x64/node.napi.node"]);
    expect(modes.trim().split("\n")).toEqual([
      "700 root /etc/lvs-agent",
      "600 root /etc/lvs-agent/token",
      "700 root /var/lib/lvs-agent",
      "644 root /etc/default/lvs-agent",
      "644 root /lib/systemd/system/lvs-agent.service",
      "644 root /usr/lib/lvs-agent/agent.mjs",
      "644 root /usr/lib/lvs-agent/node_modules/netlink/prebuilds/linux-x64/node.napi.node",
    ]);
    expect((await ok(d.guest, ["cat", "/etc/lvs-agent/token"])).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(await ok(d.guest, ["readlink", "/usr/bin/lvsctl"])).toBe("../lib/lvs-agent/lvsctl.mjs\n");
    // the installed files are what the package lists, and only the package's files
    expect(await ok(d.guest, dpkg("-V", "lvs-agent"))).toBe("");
  }, 120_000);

  it("runs as its unit starts it (plain node, no checkout) and lvsctl -Ln through it equals ipvsadm -Ln", async () => {
    const unit = await ok(d.guest, ["cat", "/lib/systemd/system/lvs-agent.service"]);
    const defaults = await ok(d.guest, ["cat", "/etc/default/lvs-agent"]);
    const argv = unitArgv(unit, defaults, LISTEN);
    expect(argv.slice(0, 2)).toEqual(["/usr/bin/node", "/usr/lib/lvs-agent/agent.mjs"]);
    // from / so that nothing of the checkout can be found relative to the working directory
    await control().spawn(PROC, d.name, ["sh", "-c", 'cd / && exec "$@"', "sh", ...argv]);
    await waitForProcess(control(), PROC, 240_000);
    const log = await ok(d.guest, ["cat", `/run/lab/logs/${PROC}.log`]);
    const fingerprint = /tls fingerprint sha256 ([0-9A-F:]+)/.exec(log)?.[1];
    expect(fingerprint, log).toBeDefined();
    // the director's table after a change made through the packaged lvsctl and agent
    const lvsctl = (...args: string[]) =>
      run(d.name, ["sh", "-c", 'cd / && exec "$@"', "sh", "lvsctl", "--agent", `wss://${LISTEN}`, "--fingerprint", fingerprint!, "--token-file", "/etc/lvs-agent/token", ...args]);
    const added = await lvsctl("-A", "-t", "172.16.0.170:80", "-s", "wlc");
    expect([added.code, added.stderr]).toEqual([0, ""]);
    expect((await lvsctl("-a", "-t", "172.16.0.170:80", "-r", "10.0.0.12:80", "-m", "-w", "3")).code).toBe(0);
    const listed = await lvsctl("-Ln");
    expect(listed.stderr).toBe("");
    const oracle = await ipvsadm(d.name, "-Ln");
    expect(oracle).toContain("TCP  172.16.0.170:80 wlc");
    expect(oracle).toMatch(/-> 10\.0\.0\.12:80\s+Masq\s+3/);
    expect(listed.stdout).toBe(oracle);
    // and its save file, in the state directory the unit grants it
    await expect
      .poll(async () => (await run(d.guest, ["cat", "/var/lib/lvs-agent/rules.ipvsadm"])).stdout, { timeout: 10_000 })
      .toContain("-A -t 172.16.0.170:80 -s wlc");
  }, 400_000);
});
