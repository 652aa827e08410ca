// The fleet benchmark's lab setup: many directors per QEMU guest (each a network namespace
// with its own IPVS table and a real agent), no real-server namespaces (the real servers'
// addresses are routable on the director's segment but need not answer), the benchmark's
// table loaded with ipvsadm -R in every director, and an optional trickle of requests so
// the counters the dashboard shows keep moving.
import { down, exec, setTrafficRate, UP_DEFAULTS, up } from "@/lab/api.ts";
import type { LabState } from "@/lab/state.ts";
import { type FleetTableSize, fleetRulesText, fleetServices } from "./fleet-table.ts";
import { BenchError, log } from "./session.ts";

export interface FleetLabOptions {
  instance: string;
  directors: number;
  perGuest: number;
  size: FleetTableSize;
  /** requests per second per director from its client namespace (0: none) */
  trafficRate: number;
}

async function ok(instance: string, target: string, argv: string[], stdin?: string): Promise<string> {
  const r = await exec(instance, target, argv, { timeoutMs: 600_000, ...(stdin === undefined ? {} : { stdin }) });
  if (r.code !== 0) throw new BenchError(`${argv.join(" ")} in ${target} exited ${r.code}:\n${r.stderr}${r.stdout.slice(0, 1000)}`);
  return r.stdout;
}

/** Brings the lab up and loads the table; the caller must call `down(instance)` in a finally. */
export async function upFleetLab(o: FleetLabOptions): Promise<LabState> {
  const t0 = Date.now();
  const state = await up({
    ...UP_DEFAULTS,
    instance: o.instance,
    directors: o.directors,
    directorsPerGuest: o.perGuest,
    realServers: 0,
    trafficRate: 0,
    topology: "nat",
    log,
  });
  if (!state.withAgents) throw new BenchError("the lab started without agents");
  log(`bench: lab ${o.instance} up in ${((Date.now() - t0) / 1000).toFixed(0)} s (${state.guests.length} guests)`);
  const rules = fleetRulesText(o.size);
  const expected = o.size.services * (1 + o.size.realServers);
  for (const d of state.directors) {
    await ok(o.instance, d.name, ["ipvsadm", "-C"]);
    await ok(o.instance, d.name, ["ipvsadm", "-R"], rules);
    const lines = Number((await ok(o.instance, d.name, ["sh", "-c", "ipvsadm -S -n | wc -l"])).trim());
    if (lines !== expected) throw new BenchError(`${d.name} holds ${lines} rule lines after ipvsadm -R, expected ${expected}`);
  }
  log(`bench: ${expected} rule lines loaded in each of ${state.directors.length} directors`);
  if (o.trafficRate > 0) {
    const targets = fleetServices(o.size)
      .slice(0, 2)
      .map((s) => `${s.vip}:${s.port}`);
    for (const d of state.directors) await setTrafficRate(o.instance, d.name, o.trafficRate, targets);
  }
  return state;
}

export { down as downFleetLab };
