// The shipped unit's sandbox against what the agent writes: deploy/lvs-agent.service runs the
// agent under ProtectSystem=full (/usr, /boot, /etc read-only), so every file the agent writes
// with the unit's options (ExecStart plus /etc/default/lvs-agent's LVS_AGENT_OPTS, its
// commented real-server variant and each "# optional:" option) must sit in a directory the unit
// makes writable: ReadWritePaths= or the StateDirectory=. The agent writes each of them via a
// temp file and a rename in the same directory, so the directory itself must be writable.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_SYSTEMD_CONF } from "@/agent/ha/index.ts";
import { DEFAULT_PERSIST_FILE } from "@/agent/sysctl/sysctl.ts";
import { type AgentArgs, parseAgentArgs } from "@/agent/args.ts";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const UNIT = readFileSync(join(REPO, "deploy", "lvs-agent.service"), "utf8");
const DEFAULTS = readFileSync(join(REPO, "deploy", "lvs-agent.default"), "utf8");

/** Values of a unit setting, every occurrence, split on blanks. */
function setting(unit: string, key: string): string[] {
  return [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].flatMap((m) => m[1]!.trim().split(/\s+/).filter(Boolean));
}

/** The agent's argv under the unit: ExecStart's words after agent.mjs, $LVS_AGENT_OPTS expanded. */
function agentArgv(unit: string, opts: string): string[] {
  const words = setting(unit, "ExecStart");
  const at = words.findIndex((w) => w.endsWith("/agent.mjs"));
  if (at < 0) throw new Error("ExecStart does not run agent.mjs");
  return words.slice(at + 1).flatMap((w) => (w === "$LVS_AGENT_OPTS" ? opts.split(/\s+/).filter(Boolean) : [w]));
}

/** Every path the agent creates or replaces with these arguments (files and directories). */
function writtenPaths(a: AgentArgs): string[] {
  const paths = [a.sysctlFile ?? DEFAULT_PERSIST_FILE];
  // the save file's temp and its ".before-restore" copy are beside it
  if (a.saveFile) paths.push(a.saveFile);
  if (a.tlsAutoDir) paths.push(join(a.tlsAutoDir, "cert.pem"));
  if (a.role === "director") {
    // HA: the notify fifo and the managed keepalived's files; the spec file; systemd mode's config
    paths.push(join(a.keepalivedDir, "keepalived.conf"));
    if (a.haSpecFile) paths.push(a.haSpecFile);
    if (a.keepalivedMode === "systemd") paths.push(a.keepalivedConf ?? DEFAULT_SYSTEMD_CONF);
  }
  return paths;
}

/** Directories the unit lets the agent write: ReadWritePaths (a "-" prefix only means
 * "may be missing") and /var/lib/<StateDirectory>. */
function writableDirs(unit: string): string[] {
  return [...setting(unit, "ReadWritePaths").map((p) => p.replace(/^-/, "")), ...setting(unit, "StateDirectory").map((s) => `/var/lib/${s}`)];
}

/** The paths whose directory is outside every writable one. */
function outsideSandbox(unit: string, args: AgentArgs): string[] {
  const dirs = writableDirs(unit);
  return writtenPaths(args).filter((p) => !dirs.some((d) => dirname(p) === d || dirname(p).startsWith(`${d}/`)));
}

/** The option sets the defaults file documents: the active one, the real-server one, and the
 * active one plus each "# optional:" option. */
function documentedOptionSets(defaults: string): string[] {
  const active = /^LVS_AGENT_OPTS="([^"]*)"$/m.exec(defaults)?.[1];
  if (!active) throw new Error("no LVS_AGENT_OPTS line in the defaults file");
  const commented = [...defaults.matchAll(/^#LVS_AGENT_OPTS="([^"]*)"$/gm)].map((m) => m[1]!);
  const optional = [...defaults.matchAll(/^# optional: (.*)$/gm)].map((m) => `${active} ${m[1]!.trim()}`);
  return [active, ...commented, ...optional];
}

describe("deploy/lvs-agent.service and deploy/lvs-agent.default", () => {
  const sets = documentedOptionSets(DEFAULTS);

  it("document a director, a real server and the optional HA and sysctl options", () => {
    expect(sets.length).toBeGreaterThanOrEqual(4);
    const parsed = sets.map((o) => parseAgentArgs(agentArgv(UNIT, o)));
    expect(parsed.map((a) => a.role)).toContain("realserver");
    expect(parsed.some((a) => a.haSpecFile !== null)).toBe(true);
    expect(parsed.some((a) => a.keepalivedMode === "systemd")).toBe(true);
    expect(parsed[0]!.saveFile).not.toBeNull();
  });

  it("run the agent under ProtectSystem=full with each file it writes in a writable directory", () => {
    expect(setting(UNIT, "ProtectSystem")).toEqual(["full"]);
    for (const opts of sets) {
      const args = parseAgentArgs(agentArgv(UNIT, opts));
      expect({ opts, outside: outsideSandbox(UNIT, args) }).toEqual({ opts, outside: [] });
    }
  });

  it("the check finds the persisted sysctl file when ReadWritePaths does not cover /etc/sysctl.d", () => {
    // the unit as it was before: ProtectSystem=full and no ReadWritePaths made "Persist" fail
    const before = UNIT.replace(/^ReadWritePaths=.*$/gm, "");
    const args = parseAgentArgs(agentArgv(before, sets[0]!));
    expect(outsideSandbox(before, args)).toEqual([DEFAULT_PERSIST_FILE]);
    const systemd = parseAgentArgs(agentArgv(before, `${sets[0]!} --keepalived systemd`));
    expect(outsideSandbox(before, systemd)).toEqual([DEFAULT_PERSIST_FILE, DEFAULT_SYSTEMD_CONF]);
  });

  it("reads its options from /etc/default/lvs-agent and passes the token directory's file", () => {
    expect(setting(UNIT, "EnvironmentFile")).toEqual(["-/etc/default/lvs-agent"]);
    expect(agentArgv(UNIT, "")).toEqual(["--token-file", "/etc/lvs-agent/token"]);
    expect(setting(UNIT, "ConfigurationDirectoryMode")).toEqual(["0700"]);
    expect(setting(UNIT, "StateDirectoryMode")).toEqual(["0700"]);
  });
});
