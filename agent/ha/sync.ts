// IPVS connection sync switched with VRRP: the master daemon where keepalived is MASTER, the
// backup daemon where it is BACKUP or FAULT (so the node holds the master's entries before it
// takes over), neither when stopped. Always through IpvsClient (agent/ipvs/types.ts).
import type { HaSyncSpec, HaSyncStatus, VrrpState } from "@/protocol/ha.ts";
import type { SyncDaemon } from "@/protocol/ipvs.ts";
import type { IpvsClient } from "../ipvs/types.ts";

export type SyncWanted = HaSyncStatus["wanted"];

/** One MASTER instance makes this node the master (a sync group moves them together). */
export function wantedSync(states: readonly VrrpState[]): SyncWanted {
  if (states.includes("MASTER")) return "master";
  if (states.some((s) => s === "BACKUP" || s === "FAULT")) return "backup";
  return "none";
}

export function daemonFor(spec: HaSyncSpec, state: "master" | "backup"): SyncDaemon {
  const d: SyncDaemon = { state, mcastInterface: spec.interface, syncId: spec.syncId };
  if (spec.maxLen !== undefined) d.maxLen = spec.maxLen;
  if (spec.mcastGroup !== undefined) d.mcastGroup = spec.mcastGroup;
  if (spec.mcastPort !== undefined) d.mcastPort = spec.mcastPort;
  if (spec.mcastTtl !== undefined) d.mcastTtl = spec.mcastTtl;
  return d;
}

/** Whether a running daemon is the one the spec asks for (fields the kernel echoes). */
function matches(running: SyncDaemon, want: SyncDaemon): boolean {
  if (running.mcastInterface !== want.mcastInterface || running.syncId !== want.syncId) return false;
  if (want.mcastGroup !== undefined && running.mcastGroup !== undefined && running.mcastGroup !== want.mcastGroup) return false;
  if (want.mcastPort !== undefined && running.mcastPort !== undefined && running.mcastPort !== want.mcastPort) return false;
  return true;
}

/**
 * Makes the kernel run what `wanted` says (spec null: stop both). Returns the status as the
 * kernel lists it afterwards; a refused step is reported in `error`, the other steps still run.
 */
export async function switchSync(ipvs: IpvsClient, spec: HaSyncSpec | null, wanted: SyncWanted): Promise<HaSyncStatus> {
  const errors: string[] = [];
  const step = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
    }
  };
  let running: SyncDaemon[] = [];
  await step("list sync daemons", async () => {
    running = await ipvs.listDaemons();
  });
  const want = spec && wanted !== "none" ? daemonFor(spec, wanted) : null;
  for (const d of running) {
    if (want && d.state === want.state && matches(d, want)) continue;
    await step(`stop the ${d.state} sync daemon`, () => ipvs.stopDaemon(d.state, d.syncId));
  }
  if (want && !running.some((d) => d.state === want.state && matches(d, want))) {
    await step(`start the ${want.state} sync daemon on ${want.mcastInterface} (syncid ${want.syncId})`, () => ipvs.startDaemon(want));
  }
  let daemons: SyncDaemon[] = running;
  await step("list sync daemons", async () => {
    daemons = await ipvs.listDaemons();
  });
  return { wanted: spec ? wanted : "none", daemons, error: errors.length > 0 ? errors.join("; ") : null };
}
