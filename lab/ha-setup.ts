// Brings up the `ha` topology in its one guest: the shared segment (guest/director-ha.sh), the
// real servers' httpd, the same default rules in both directors, traffic from client1, and the
// VRRP pair: agents started with --ha-spec (they run keepalived), or, while this checkout's
// agent cannot, keepalived started by the lab with the same settings.
import { join } from "node:path";
import { HaSpec, type HaSpecInput } from "@/protocol/ha.ts";
import type { ControlClient } from "./control-client.ts";
import { check, defaultTargets, loadDefaultRules, setTraffic, startAgent } from "./directors.ts";
import { agentRunsKeepalived, fallbackKeepalivedConf, haSpec, haSpecFile, keepalivedDir } from "./ha.ts";
import { GUEST_DIR } from "./paths.ts";
import type { DirectorRecord, LabState } from "./state.ts";

export const HA_CLIENT = "client1";

export async function buildHaNetwork(c: ControlClient, realServers: number): Promise<void> {
  check("building the ha segment", await c.exec(undefined, ["sh", join(GUEST_DIR, "director-ha.sh"), String(realServers)]));
  for (let j = 1; j <= realServers; j++) {
    const ns = `rs${j}`;
    await c.spawn(`httpd-${ns}`, ns, ["busybox", "httpd", "-f", "-p", "80", "-h", `/run/lab/www/${ns}`]);
  }
}

/** Writes the director's spec to the persistent share unless one is there (a reboot keeps the
 * spec the director last had). */
export async function writeHaSpec(c: ControlClient, d: DirectorRecord, opts: { overwrite?: boolean; spec?: HaSpecInput } = {}): Promise<void> {
  const file = haSpecFile(d.name);
  const script = opts.overwrite ? `mkdir -p "$(dirname "$1")" && cat > "$1"` : `mkdir -p "$(dirname "$1")" && { [ -f "$1" ] || cat > "$1"; }`;
  check(`writing ${file}`, await c.exec(undefined, ["sh", "-c", script, "sh", file], { stdin: `${JSON.stringify(HaSpec.parse(opts.spec ?? haSpec(d.name)), null, 2)}\n` }));
}

/** The agent's extra flags in the ha topology (none when it does not run keepalived). */
export function haAgentArgs(d: DirectorRecord): string[] {
  return agentRunsKeepalived() ? ["--ha-spec", haSpecFile(d.name), "--keepalived-dir", keepalivedDir(d.name)] : [];
}

/** keepalived run by the lab (fallback): its config from the spec file, in the director's ns. */
export async function startLabKeepalived(c: ControlClient, d: DirectorRecord): Promise<void> {
  const spec = HaSpec.parse(JSON.parse(check("reading the ha spec", await c.exec(undefined, ["cat", haSpecFile(d.name)])).stdout));
  const dir = keepalivedDir(d.name);
  const conf = `${dir}/keepalived.conf`;
  check("keepalived.conf", await c.exec(undefined, ["sh", "-c", `mkdir -p "$1" && cat > "$2"`, "sh", dir, conf], { stdin: fallbackKeepalivedConf(d.name, spec) }));
  await c.spawn(`keepalived-${d.name}`, d.name, ["keepalived", "-n", "-l", "-D", "-P", "-f", conf, "-p", `${dir}/keepalived.pid`, "-r", `${dir}/vrrp.pid`]);
}

export async function setupHaGuest(c: ControlClient, s: LabState, opts: { rules: boolean; agentBundle: string }): Promise<void> {
  await buildHaNetwork(c, s.realServers);
  for (const d of s.directors) {
    if (opts.rules) await loadDefaultRules(c, d, s.topology, s.realServers);
    await writeHaSpec(c, d);
  }
  await setTraffic(c, s.directors[0]!, s.trafficRate, defaultTargets(s.topology), HA_CLIENT);
  const byAgent = s.withAgents && agentRunsKeepalived();
  if (!byAgent) for (const d of s.directors) await startLabKeepalived(c, d);
  if (!s.withAgents) return;
  for (const d of s.directors) await startAgent(c, d, opts.agentBundle, haAgentArgs(d));
}
