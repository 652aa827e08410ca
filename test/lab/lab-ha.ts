// Helpers for the ha topology's real-kernel tests (the second lab of global-setup.ts): run
// commands in its namespaces, fail and heal directors, read each director's VRRP state (the
// agent's ha.get) and the VIPs it holds (`ip addr`, the oracle), and probe traffic from client1.
import { inject } from "vitest";
import { bundleGuestScript, exec, requireState } from "@/lab/api.ts";
import type { ExecResult } from "@/lab/control-client.ts";
import { defaultRules } from "@/lab/directors.ts";
import { HA_ADVERT_INT, HA_VIPS, haSpec } from "@/lab/ha.ts";
import { type FailMode, failDirector, haGet, healDirector, reconfigureHa, vipsHeld, vrrpStateOf } from "@/lab/ha-ops.ts";
import { controlFor } from "@/lab/api.ts";
import type { DirectorRecord, LabState } from "@/lab/state.ts";
import type { VrrpState } from "@/protocol/ha.ts";

export { HA_ADVERT_INT, HA_VIPS };

export function haInstance(): string {
  const error = inject("labHaError");
  if (error) throw new Error(`the ha lab did not come up: ${error}`);
  return inject("labHaInstance");
}

export function haState(): LabState {
  return requireState(haInstance());
}

export function haDirector(name: "dir1" | "dir2"): DirectorRecord {
  const d = haState().directors.find((x) => x.name === name);
  if (!d) throw new Error(`the ha lab has no ${name}`);
  return d;
}

export function haRun(target: string, argv: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  return exec(haInstance(), target, argv, opts);
}

export async function haOk(target: string, argv: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await haRun(target, argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} in ${target} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export const fail = (name: string, mode: FailMode): Promise<void> => failDirector(haInstance(), name, mode);
export const heal = (name: string, mode: FailMode): Promise<void> => healDirector(haInstance(), name, mode);

/** The VRRP state the director's agent reports for the pair's one instance (ha.get). */
export function vrrpState(name: "dir1" | "dir2"): Promise<VrrpState> {
  return vrrpStateOf(haState(), haDirector(name));
}

/** Reconfigures a director (ha.configure), e.g. with nopreempt. */
export function reconfigure(name: "dir1" | "dir2", opts: { preempt: boolean }): Promise<void> {
  return reconfigureHa(haInstance(), name, haSpec(name, opts));
}

/** The pair's VIPs bound in the director's namespace now (ip addr). */
export function vips(name: "dir1" | "dir2"): Promise<string[]> {
  const s = haState();
  const d = haDirector(name);
  return vipsHeld(controlFor(s, d.guest), d);
}

/** Polls until f() is true; returns the ms it took, throws after timeoutMs with `what`. */
export async function until(what: string, f: () => Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await f().catch(() => false)) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** dir1 MASTER holding every VIP, dir2 BACKUP holding none. */
export async function pairNormal(): Promise<boolean> {
  const [s1, s2, v1, v2] = await Promise.all([vrrpState("dir1"), vrrpState("dir2"), vips("dir1"), vips("dir2")]);
  return s1 === "MASTER" && s2 === "BACKUP" && v1.length === HA_VIPS.length && v2.length === 0;
}

/** Back to the lab's start: both segment links up, both keepalived running with the default
 * (preempt) spec, dir1 MASTER, the default rules in both directors. */
export async function restorePair(): Promise<void> {
  for (const name of ["dir1", "dir2"] as const) {
    await heal(name, "links");
    await reconfigure(name, { preempt: true });
  }
  for (const name of ["dir1", "dir2"]) {
    await haOk(name, ["ipvsadm", "-C"]);
    await haOk(name, ["ipvsadm", "-R"], { stdin: defaultRules("ha", haState().realServers) });
  }
  await until("dir1 MASTER with every VIP again", pairNormal, 60_000, 250);
}

/** The time (the guest's clock, ms since the epoch, as the agent read keepalived's notify_fifo)
 * of the director's first transition to one of `to` after `after` (the same guest clock). */
export async function transitionAt(name: "dir1" | "dir2", to: VrrpState[], after: number): Promise<number | null> {
  const st = await haGet(haDirector(name));
  return st.transitions.find((t) => t.at > after && to.includes(t.to))?.at ?? null;
}

/** The agent's clock now (ha.get's time), to compare with transition times. */
export async function agentNow(name: "dir1" | "dir2"): Promise<number> {
  return (await haGet(haDirector(name))).time;
}

export interface ProbeTally {
  target: string;
  ok: number;
  failed: number;
  failures: number[];
  longestGapMs: number;
  gapFrom: number | null;
  answers: Record<string, number>;
}

/** Starts test/lab/guest/ha-probe.ts in client1; resolves with its tallies when it ends. */
export async function probe(durationMs: number, targets: string[], pauseMs = 50, timeoutMs = 1000): Promise<{ start: number; end: number; tallies: ProbeTally[] }> {
  const script = await bundleGuestScript(haInstance(), "test/lab/guest/ha-probe.ts");
  const out = await haOk("client1", ["node", script, String(durationMs), String(pauseMs), String(timeoutMs), ...targets], { timeoutMs: durationMs + 60_000 });
  return JSON.parse(out.trim().split("\n").at(-1)!);
}
