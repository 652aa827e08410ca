// The lab's state per instance, kept in the cache folder so that `status`, `exec` and `down`
// work from any process, including after the CLI that ran `up` crashed.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GuestRecord } from "./guest.ts";
import { instanceDir } from "./paths.ts";

/** ha: two directors on one segment, VIPs floated by keepalived (lab/guest/director-ha.sh) */
export type Topology = "nat" | "dr" | "mixed" | "ha";

export interface DirectorRecord {
  name: string;
  guest: string;
  /** 1-based index inside its guest: veth u<i>, relay port GUEST_AGENT_BASE_PORT + i */
  index: number;
  /** host port on 127.0.0.1 that reaches this director's agent */
  agentPort: number;
  agentToken: string;
  agentUrl: string;
  /** the agent in the realserver role on the director's first real server (dirN-rs1) */
  realServerAgent?: RealServerAgentRecord;
}

export interface RealServerAgentRecord {
  /** "dir1-rs1": its namespace, and its name in the dashboard */
  name: string;
  /** the real server's address on the director's segment (what IPVS sends to) */
  address: string;
  /** its management address in the guest, where the agent listens */
  listen: string;
  port: number;
  token: string;
  url: string;
}

export interface LabState {
  instance: string;
  createdAt: string;
  topology: Topology;
  realServers: number;
  trafficRate: number;
  withAgents: boolean;
  controlTokenFile: string;
  guests: GuestRecord[];
  directors: DirectorRecord[];
  /** namespaces that are not a director's (ha topology: lan, client1, rs1..), all in guests[0] */
  namespaces?: string[];
}

export const DEFAULT_INSTANCE = "default";

function stateFile(instance: string): string {
  return join(instanceDir(instance), "state.json");
}

export function readState(instance: string): LabState | null {
  const f = stateFile(instance);
  if (!existsSync(f)) return null;
  return JSON.parse(readFileSync(f, "utf8")) as LabState;
}

export function writeState(s: LabState): void {
  const f = stateFile(s.instance);
  mkdirSync(instanceDir(s.instance), { recursive: true });
  writeFileSync(`${f}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${f}.tmp`, f);
}

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/** The control token is a file the guest reads through the read-only 9p root. */
export function writeControlToken(instance: string): { file: string; token: string } {
  const file = join(instanceDir(instance), "control.token");
  const token = newToken();
  mkdirSync(instanceDir(instance), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { file, token };
}

export function readControlToken(s: LabState): string {
  return readFileSync(s.controlTokenFile, "utf8").trim();
}
