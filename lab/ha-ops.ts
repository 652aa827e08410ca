// The ha topology's verbs: fail / heal a director, and each director's VRRP state and the VIPs
// it holds. The VIPs are read with `ip -br addr` in the director's namespace (the oracle); the
// VRRP state comes from the agent's ha.get.
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { type HaSpecInput, type HaStatus, VrrpState } from "@/protocol/ha.ts";
import { controlFor, requireState } from "./api.ts";
import type { ControlClient } from "./control-client.ts";
import { check, LabCommandError } from "./directors.ts";
import { agentRunsKeepalived, HA_INTERFACE, HA_VIPS, haSpecFile, keepalivedDir } from "./ha.ts";
import { startLabKeepalived, writeHaSpec } from "./ha-setup.ts";
import type { DirectorRecord, LabState } from "./state.ts";

/** links: the director's segment link set down at the bridge (a dead box, as its peer sees it;
 * its own keepalived sees no carrier). keepalived: SIGTERM to its keepalived (it releases the
 * VIPs and sends a priority-0 advert; the agent reports it and does not restart it). */
export type FailMode = "links" | "keepalived";
export const FAIL_MODES: FailMode[] = ["links", "keepalived"];

function haDirector(instance: string, name: string): { s: LabState; d: DirectorRecord; c: ControlClient } {
  const s = requireState(instance);
  if (s.topology !== "ha") throw new LabCommandError(`lab "${instance}" is not an ha lab (up --topology ha)`);
  const d = s.directors.find((x) => x.name === name);
  if (!d) throw new LabCommandError(`no director named ${name} (have: ${s.directors.map((x) => x.name).join(", ")})`);
  return { s, d, c: controlFor(s, d.guest) };
}

/** The bridge-side end of the director's segment link (lab/guest/director-ha.sh). */
const segmentPort = (d: DirectorRecord): string => `d${d.index}`;

export async function withAgent<T>(d: DirectorRecord, f: (a: AgentClient) => Promise<T>): Promise<T> {
  const a = new AgentClient({ url: d.agentUrl, token: d.agentToken, heartbeatMs: 0 });
  await a.connect();
  try {
    return await f(a);
  } finally {
    a.close();
  }
}

// generous deadlines: under TCG on a loaded 2-core machine an agent was seen taking over 5 s
export function haGet(d: DirectorRecord): Promise<HaStatus> {
  return withAgent(d, (a) => a.request("ha.get", {}, { deadlineMs: 20_000 }));
}

export function haConfigure(d: DirectorRecord, spec: HaSpecInput | null): Promise<HaStatus> {
  return withAgent(d, (a) => a.request("ha.configure", { spec }, { deadlineMs: 60_000 }));
}

export async function failDirector(instance: string, name: string, mode: FailMode = "links"): Promise<void> {
  const { s, d, c } = haDirector(instance, name);
  if (mode === "links") {
    check(`${segmentPort(d)} down`, await c.exec("lan", ["ip", "link", "set", segmentPort(d), "down"]));
    return;
  }
  if (!(s.withAgents && agentRunsKeepalived())) {
    await c.stop(`keepalived-${d.name}`);
    return;
  }
  const pid = (await haGet(d)).keepalived?.pid;
  if (!pid) throw new LabCommandError(`${d.name}'s agent reports no running keepalived`);
  check(`SIGTERM to keepalived ${pid}`, await c.exec(undefined, ["kill", "-TERM", String(pid)]));
}

export async function healDirector(instance: string, name: string, mode: FailMode = "links"): Promise<void> {
  const { s, d, c } = haDirector(instance, name);
  if (mode === "links") {
    check(`${segmentPort(d)} up`, await c.exec("lan", ["ip", "link", "set", segmentPort(d), "up"]));
    return;
  }
  if (!(s.withAgents && agentRunsKeepalived())) {
    await restartLabKeepalived(c, d);
    return;
  }
  // the agent starts keepalived again when given its current spec
  const spec = (await haGet(d)).spec ?? JSON.parse(check("reading the ha spec", await c.exec(undefined, ["cat", haSpecFile(d.name)])).stdout);
  await haConfigure(d, spec);
}

/** A new spec for the director: ha.configure to its agent, or (keepalived run by the lab) the
 * spec file rewritten and keepalived restarted on it. */
export async function reconfigureHa(instance: string, name: string, spec: HaSpecInput): Promise<void> {
  const { s, d, c } = haDirector(instance, name);
  if (s.withAgents && agentRunsKeepalived()) {
    await haConfigure(d, spec);
    return;
  }
  await writeHaSpec(c, d, { overwrite: true, spec });
  await restartLabKeepalived(c, d);
}

async function restartLabKeepalived(c: ControlClient, d: DirectorRecord): Promise<void> {
  await c.stop(`keepalived-${d.name}`);
  // the old keepalived removes its pid file on exit; a new one started before refuses to run
  const pidFile = `${keepalivedDir(d.name)}/keepalived.pid`;
  const deadline = Date.now() + 15_000;
  while ((await c.exec(undefined, ["test", "-e", pidFile])).code === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await startLabKeepalived(c, d);
}

/** The VIPs of the pair bound in the director's namespace now (`ip -br addr`, the oracle). */
export async function vipsHeld(c: ControlClient, d: DirectorRecord): Promise<string[]> {
  const out = check("ip addr", await c.exec(d.name, ["ip", "-br", "-4", "addr", "show", "dev", HA_INTERFACE])).stdout;
  const have = new Set(out.split(/\s+/).map((w) => w.replace(/\/\d+$/, "")));
  return HA_VIPS.filter((v) => have.has(v));
}

export interface HaDirectorStatus {
  name: string;
  /** MASTER / BACKUP / FAULT / STOP / UNKNOWN from the agent, or why it is not known */
  vrrp: string;
  vipsHeld: string[];
  /** the segment link as `fail --mode links` left it */
  segmentLink: "up" | "down";
}

/** keepalived run by the lab (no agent that runs it): its last "Entering X STATE" line. */
async function labKeepalivedState(c: ControlClient, d: DirectorRecord): Promise<VrrpState> {
  if (!(await c.procs()).find((p) => p.name === `keepalived-${d.name}`)?.alive) return "STOP";
  const log = await c.exec(undefined, ["cat", `/run/lab/logs/keepalived-${d.name}.log`]);
  const state = [...log.stdout.matchAll(/Entering (\w+) STATE/g)].at(-1)?.[1];
  return VrrpState.catch("UNKNOWN").parse(state);
}

/** The director's VRRP state: its agent's ha.get, or the lab's keepalived's log (fallback). */
export async function vrrpStateOf(s: LabState, d: DirectorRecord): Promise<VrrpState> {
  if (s.withAgents && agentRunsKeepalived()) {
    const i = (await haGet(d)).instances[0];
    if (!i) throw new LabCommandError(`${d.name}'s agent reports no VRRP instance`);
    return i.state;
  }
  return labKeepalivedState(controlFor(s, d.guest), d);
}

async function vrrpOf(s: LabState, c: ControlClient, d: DirectorRecord): Promise<string> {
  if (!agentRunsKeepalived()) return `${await labKeepalivedState(c, d)} (keepalived run by the lab)`;
  if (!s.withAgents) return "no agent";
  try {
    const st = await haGet(d);
    return st.instances.map((i) => i.state).join(",") || "not configured";
  } catch {
    return "agent down";
  }
}

export async function haStatus(s: LabState): Promise<HaDirectorStatus[]> {
  return Promise.all(
    s.directors.map(async (d) => {
      const c = controlFor(s, d.guest);
      const link = await c.exec("lan", ["ip", "-br", "link", "show", "dev", segmentPort(d)]).catch(() => null);
      return {
        name: d.name,
        vrrp: await vrrpOf(s, c, d),
        vipsHeld: await vipsHeld(c, d).catch(() => []),
        // the administrative flag: <...,UP,...> is there unless the link was set down
        segmentLink: link && /[<,]UP[,>]/.test(link.stdout) ? "up" : "down",
      };
    }),
  );
}
