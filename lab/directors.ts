// Builds directors inside a running guest through its control daemon: namespaces and bridge
// (guest/director.sh), real-server HTTP servers, the default NAT/DR services, the traffic
// generator and, when the agent exists in this checkout, one agent per director.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ControlClient, ExecResult } from "./control-client.ts";
import { GUEST_AGENT_BASE_PORT, GUEST_RS_AGENT_BASE_PORT } from "./guest.ts";
import { GUEST_DIR, REPO_ROOT } from "./paths.ts";
import type { DirectorRecord, RealServerAgentRecord, Topology } from "./state.ts";

export const NAT_VIP = "172.16.0.100";
export const DR_VIP = "172.16.0.200";
export const REAL_SERVER_IPS = (n: number) => Array.from({ length: n }, (_, j) => `10.0.0.1${j + 1}`);
export const AGENT_ENTRY = join(REPO_ROOT, "agent", "main.ts");

export class LabCommandError extends Error {}

export function check(what: string, r: ExecResult): ExecResult {
  if (r.code !== 0) throw new LabCommandError(`${what} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  return r;
}

export function defaultTargets(topology: Topology): string[] {
  if (topology === "nat") return [`${NAT_VIP}:80`];
  if (topology === "dr") return [`${DR_VIP}:80`];
  return [`${NAT_VIP}:80`, `${DR_VIP}:80`];
}

/** The rules `up` loads: an rr NAT service and an rr DR service over the real servers. */
export function defaultRules(topology: Topology, realServers: number): string {
  const lines: string[] = [];
  const add = (vip: string, flag: string) => {
    lines.push(`-A -t ${vip}:80 -s rr`);
    for (const ip of REAL_SERVER_IPS(realServers)) lines.push(`-a -t ${vip}:80 -r ${ip}:80 ${flag} -w 1`);
  };
  if (topology !== "dr") add(NAT_VIP, "-m");
  if (topology !== "nat") add(DR_VIP, "-g");
  return `${lines.join("\n")}\n`;
}

export async function buildNetwork(c: ControlClient, d: DirectorRecord, realServers: number): Promise<void> {
  check(`building ${d.name}`, await c.exec(undefined, ["sh", join(GUEST_DIR, "director.sh"), d.name, String(d.index), String(realServers)]));
  for (let j = 1; j <= realServers; j++) {
    const ns = `${d.name}-rs${j}`;
    await c.spawn(`httpd-${ns}`, ns, ["busybox", "httpd", "-f", "-p", "80", "-h", `/run/lab/www/${ns}`]);
  }
}

export async function loadDefaultRules(c: ControlClient, d: DirectorRecord, topology: Topology, realServers: number): Promise<void> {
  check(`loading rules in ${d.name}`, await c.exec(d.name, ["ipvsadm", "-R"], { stdin: defaultRules(topology, realServers) }));
}

/** The traffic loop of a director, run in its client namespace (the ha topology's one client
 * is client1). */
export async function setTraffic(c: ControlClient, d: DirectorRecord, rate: number, targets: string[], clientNs = `${d.name}-c`): Promise<void> {
  await c.stop(`traffic-${d.name}`);
  if (rate <= 0) return;
  await c.spawn(`traffic-${d.name}`, clientNs, ["sh", join(GUEST_DIR, "traffic.sh"), String(rate), ...targets]);
}

/**
 * The lab's agents serve ws://, said explicitly: the agent's default is TLS and it refuses
 * plaintext on a non-loopback address (10.254.<i>.2 in its namespace) without this flag. The
 * link never leaves the machine: the guest's private namespaces, then QEMU's forward to the
 * host's 127.0.0.1. Moving the lab to wss:// would mean pinning each agent's certificate in
 * every lab test's client, lvsctl call and dashboard registration.
 */
export const LAB_AGENT_PLAINTEXT = ["--insecure-plaintext"];

export function agentAvailable(): boolean {
  return existsSync(AGENT_ENTRY);
}

/** The agent's save file in the guest: on the persistent share, so it survives a reboot. */
export function agentSaveFile(d: DirectorRecord): string {
  return `/var/lib/lvs-lab/${d.name}/ipvs.rules`;
}

/** Where the agent persists sysctls (sysctl.set with persist): /etc is not kept across a
 * guest reboot here, the persistent share is. */
export function agentSysctlFile(d: DirectorRecord): string {
  return `/var/lib/lvs-lab/${d.name}/sysctl.conf`;
}

/**
 * Starts (or restarts) the director's agent in its namespace and relays it to the host port.
 * Like a production install, it keeps its rules in a save file and restores them into the
 * empty table after a reboot.
 */
export async function startAgent(c: ControlClient, d: DirectorRecord, bundle: string, extraArgs: string[] = []): Promise<void> {
  const tokenFile = `/run/lab/${d.name}.token`;
  check("writing the agent token", await c.exec(undefined, ["sh", "-c", `umask 077; cat > ${tokenFile}`], { stdin: `${d.agentToken}\n` }));
  check("agent state folder", await c.exec(undefined, ["mkdir", "-p", `/var/lib/lvs-lab/${d.name}`]));
  await c.spawn(`agent-${d.name}`, d.name, [
    "node", "--enable-source-maps", bundle,
    "--listen", `10.254.${d.index}.2:9400`,
    "--token-file", tokenFile,
    // ws:// on purpose (LAB_AGENT_PLAINTEXT): see there
    ...LAB_AGENT_PLAINTEXT,
    "--save-file", agentSaveFile(d),
    "--restore",
    // persisted sysctls live on the persistent share too, and are applied at start
    "--sysctl-file", agentSysctlFile(d),
    "--apply-sysctl-file",
    ...extraArgs,
  ]);
  await c.proxy(GUEST_AGENT_BASE_PORT + d.index, `10.254.${d.index}.2`, 9400);
}

/** Starts the realserver-role agent on the director's first real server, relayed to the host
 * over the management link (guest/director.sh). */
export async function startRealServerAgent(c: ControlClient, d: DirectorRecord, rs: RealServerAgentRecord, bundle: string): Promise<void> {
  const tokenFile = `/run/lab/${rs.name}.token`;
  check("writing the realserver agent token", await c.exec(undefined, ["sh", "-c", `umask 077; cat > ${tokenFile}`], { stdin: `${rs.token}\n` }));
  await c.spawn(`agent-${rs.name}`, rs.name, [
    "node", "--enable-source-maps", bundle,
    "--listen", `${rs.listen}:9400`,
    "--token-file", tokenFile,
    ...LAB_AGENT_PLAINTEXT,
    "--role", "realserver",
  ]);
  await c.proxy(GUEST_RS_AGENT_BASE_PORT + d.index, rs.listen, 9400);
}

export async function stopAgent(c: ControlClient, d: DirectorRecord): Promise<void> {
  await c.stop(`agent-${d.name}`);
}
