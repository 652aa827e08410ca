// Helpers for real-kernel tests: run commands in the shared lab's namespaces, most often the
// real ipvsadm as the independent oracle.
import { inject } from "vitest";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { bundleGuestScript, exec, requireState, setTrafficRate } from "@/lab/api.ts";
import type { ExecResult } from "@/lab/control-client.ts";
import { defaultRules } from "@/lab/directors.ts";
import type { DirectorRecord, LabState } from "@/lab/state.ts";

export function labInstance(): string {
  const error = inject("labError");
  if (error) throw new Error(`the lab did not come up: ${error}`);
  return inject("labInstance");
}

export function labState(): LabState {
  return requireState(labInstance());
}

export function director(n = 1): DirectorRecord {
  const d = labState().directors[n - 1];
  if (!d) throw new Error(`the test lab has no director #${n}`);
  return d;
}

/** Runs argv in a namespace of the lab (a director, dirN-c, dirN-rsJ, or a guest). */
export function run(target: string, argv: string[], stdin?: string): Promise<ExecResult> {
  return exec(labInstance(), target, argv, { stdin });
}

/** Like run, but throws with the command's output when it exits non-zero. */
export async function ok(target: string, argv: string[], stdin?: string): Promise<string> {
  const r = await run(target, argv, stdin);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} in ${target} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function sh(target: string, script: string): Promise<string> {
  return ok(target, ["sh", "-c", script]);
}

export function ipvsadm(target: string, ...args: string[]): Promise<string> {
  return ok(target, ["ipvsadm", ...args]);
}

/** Back to the lab's default rules (NAT and DR services over the real servers), zeroed. */
export async function resetRules(target: string): Promise<void> {
  const s = labState();
  await ipvsadm(target, "-C");
  await ok(target, ["ipvsadm", "-R"], defaultRules(s.topology, s.realServers));
  await ipvsadm(target, "-Z");
}

/** Stops the director's traffic generator so that counters only move for the test's requests. */
export function quiet(directorName: string): Promise<void> {
  return setTrafficRate(labInstance(), directorName, 0);
}

/**
 * Deletes every service AND its connection entries (which otherwise linger up to 120 s after
 * `ipvsadm -C`): with expire_nodest_conn=1 the kernel flushes entries of deleted servers.
 */
export async function clearAll(target: string): Promise<void> {
  const key = "net.ipv4.vs.expire_nodest_conn";
  const before = (await ok(target, ["sysctl", "-n", key])).trim();
  await ok(target, ["sysctl", "-qw", `${key}=1`]);
  await ipvsadm(target, "-C");
  const deadline = Date.now() + 10_000;
  while ((await ipvsadm(target, "-Lnc")).trim().split("\n").length > 2) {
    if (Date.now() > deadline) throw new Error(`connection entries of ${target} did not expire`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await ok(target, ["sysctl", "-qw", `${key}=${before}`]);
  await ipvsadm(target, "-Z");
}

/** The argv that runs a TypeScript file of the checkout in the guest (bundled, see lab/api.ts). */
export async function guestNode(file: string, ...args: string[]): Promise<string[]> {
  return ["node", "--enable-source-maps", await bundleGuestScript(labInstance(), file), ...args];
}

/** A connected client of a director's agent (as the lab started it), without heartbeats. */
export async function connectAgent(d: Pick<DirectorRecord, "agentUrl" | "agentToken">): Promise<AgentClient> {
  const c = new AgentClient({ url: d.agentUrl, token: d.agentToken, heartbeatMs: 0 });
  await c.connect();
  return c;
}
