// lvsctl --ha: each member's VRRP state and the VIPs it holds, one line per vrrp_instance in
// the manner of `ip -br addr` (name, state, addresses), under a "# <agent>" header per member,
// then keepalived's and the sync daemons' state. Exit 0, or 255 when a member could not be read.
import { ProtocolError } from "@/protocol/errors.ts";
import type { HaStatus } from "@/protocol/ha.ts";
import type { AgentLike, CliIo } from "./run-command.ts";

function since(ms: number | null, now: number): string {
  if (ms === null) return "";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

export function formatHaStatus(s: HaStatus): string {
  if (!s.configured) {
    const k = s.keepalived;
    return `HA not configured${k?.error ? ` (keepalived: ${k.error})` : ""}\n`;
  }
  const lines: string[] = [];
  for (const i of s.instances) {
    // ip -br pads the name to 16 and the state to 14; the VIPs this member holds follow
    const held = i.vipsHeld.join(" ");
    const missing = i.vips.filter((v) => !i.vipsHeld.includes(v));
    const extra = `vrid ${i.virtualRouterId} prio ${i.priority} on ${i.interface}${i.since === null ? "" : ` for ${since(i.since, s.time)}`}`;
    lines.push(`${i.name.padEnd(16)} ${i.state.padEnd(14)} ${held}${held ? " " : ""}(${extra}${missing.length && i.state === "MASTER" ? `; not bound: ${missing.join(" ")}` : ""})`);
  }
  const k = s.keepalived;
  if (k) lines.push(`keepalived       ${(k.running ? "RUNNING" : "DOWN").padEnd(14)} ${k.mode}${k.pid === null ? "" : ` pid ${k.pid}`}${k.error ? `: ${k.error}` : ""}`);
  if (s.sync) {
    const d = s.sync.daemons.map((x) => `${x.state} syncid ${x.syncId} on ${x.mcastInterface}`).join(", ") || "none running";
    lines.push(`sync             ${s.sync.wanted.toUpperCase().padEnd(14)} ${d}${s.sync.error ? `: ${s.sync.error}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface HaMember {
  name: string;
  agent: AgentLike | null;
  /** why there is no agent (connection refused, bad token) */
  error?: string;
}

export async function runHa(members: readonly HaMember[], io: CliIo): Promise<number> {
  let code = 0;
  for (const [n, m] of members.entries()) {
    io.out(`${n > 0 ? "\n" : ""}# ${m.name}\n`);
    try {
      if (!m.agent) throw new ProtocolError("unavailable", m.error ?? "not connected");
      io.out(formatHaStatus(await m.agent.request("ha.get", {})));
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      io.out(`error: ${e.message}\n`);
      code = 255;
    }
  }
  return code;
}

export interface HaArgs {
  agents: string[];
  /** one token file for all agents, or one per agent in the same order */
  tokenFiles: string[];
  fingerprint?: string;
  /** anything else on the line (an error: --ha takes no ipvsadm command) */
  rest: string[];
}

/** lvsctl --ha [--agent URL [--token-file FILE]]... (LVSCTL_AGENT / LVSCTL_TOKEN_FILE as usual). */
export function parseHaArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): HaArgs {
  const agents: string[] = [];
  const tokenFiles: string[] = [];
  let fingerprint = env.LVSCTL_FINGERPRINT;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--ha") continue;
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name === "--agent" || name === "--token-file" || name === "--fingerprint") {
      const value = eq > 0 ? a.slice(eq + 1) : (argv[++i] ?? "");
      if (name === "--agent") agents.push(value);
      else if (name === "--token-file") tokenFiles.push(value);
      else fingerprint = value;
      continue;
    }
    rest.push(a);
  }
  if (agents.length === 0 && env.LVSCTL_AGENT) agents.push(env.LVSCTL_AGENT);
  if (tokenFiles.length === 0 && env.LVSCTL_TOKEN_FILE) tokenFiles.push(env.LVSCTL_TOKEN_FILE);
  return { agents, tokenFiles, rest, ...(fingerprint ? { fingerprint } : {}) };
}

/** The token file of the n-th agent, or why the line is wrong. */
export function tokenFileFor(a: HaArgs, n: number): string {
  if (a.tokenFiles.length === 1) return a.tokenFiles[0]!;
  if (a.tokenFiles.length !== a.agents.length) {
    throw new Error(`--ha with ${a.agents.length} agents needs one --token-file for all or one per --agent (got ${a.tokenFiles.length})`);
  }
  return a.tokenFiles[n]!;
}
