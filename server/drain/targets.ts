// The per-target parts of a drain job (server/drain/manager.ts): which directors a request
// drains, each target's record and its weight set to 0, putting the previous weights back
// after a failed start, and undrain/remove on every target still in the job.
import type { DrainJob, DrainRequest } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import type { Fleet } from "../agents/fleet.ts";

type Link = ReturnType<Fleet["get"]>;
type Target = DrainJob["targets"][string];

/** A target on record before its dest.update answers: the weight and counts the server's
 * table knows (what a rollback after a timeout puts back, and what an older agent's answer
 * leaves). */
export function knownTarget(link: Link, service: string, destination: string): Target {
  const known = link.state.services.get(service)?.destinations.get(destination);
  return {
    previousWeight: known?.config.weight ?? 1,
    activeConns: known?.traffic.activeConns ?? 0,
    inactiveConns: known?.traffic.inactiveConns ?? 0,
    status: "draining",
    error: null,
  };
}

/** Weight 0 on one target in one round trip: dest.update answers the weight and counts it
 * replaced (agents since issue 15), which overwrite what knownTarget() put on record. */
export async function zeroWeight(link: Link, service: ServiceKey, key: DestinationKey, target: Target): Promise<void> {
  const updated = await link.updateDestination({ service, key, config: { weight: 0 } });
  if (!updated.previous) return;
  target.previousWeight = updated.previous.config.weight;
  target.activeConns = updated.previous.activeConns;
  target.inactiveConns = updated.previous.inactiveConns;
}

/** The one director, or a group drain's members that have the real server; the others are
 * named in `skipped`, never left out silently (an HA member without the service is drift: see
 * the group). not_found when no member has it. */
export function chooseTargets(fleet: Fleet, req: DrainRequest, service: string, destination: string): { targets: Link[]; skipped: Record<string, string> } {
  if (req.director !== undefined) return { targets: [fleet.get(req.director)], skipped: {} };
  const members = fleet.links().filter((l) => l.registration.role === "director" && l.registration.group === req.group);
  const skipped: Record<string, string> = {};
  for (const l of members) {
    const svc = l.state.services.get(service);
    if (!svc) skipped[l.id] = `${l.id} has no service ${service}`;
    else if (!svc.destinations.has(destination)) skipped[l.id] = `${l.id} has no real server ${destination} in ${service}`;
  }
  const targets = members.filter((l) => !(l.id in skipped));
  if (targets.length === 0) {
    const why = Object.values(skipped);
    throw new ProtocolError("not_found", `no director of group "${req.group}" has ${destination} in ${service}${why.length ? `: ${why.join("; ")}` : ""}`, { skipped });
  }
  return { targets, skipped };
}

/** Restores the previous weight of every touched target, newest first. A target whose
 * restore fails keeps the error (and its place in the job) for the operator's undrain.
 * Returns "director: why" per failure. */
export async function restoreWeights(job: DrainJob, touched: Link[], svcKey: ServiceKey, destKey: DestinationKey): Promise<string[]> {
  const rollbackErrors: string[] = [];
  for (const link of [...touched].reverse()) {
    const t = job.targets[link.id]!;
    try {
      await link.request("dest.update", { service: svcKey, key: destKey, config: { weight: t.previousWeight } });
      t.status = "undrained";
    } catch (e) {
      t.error = `rollback failed: ${(e as Error).message}; undrain this job to restore weight ${t.previousWeight}`;
      rollbackErrors.push(`${link.id}: ${(e as Error).message}`);
    }
  }
  return rollbackErrors;
}

/** Runs `act` on every target still draining or drained; one that succeeds takes `status`,
 * one that fails keeps its state with the error (so the operator can retry). */
export async function actOnTargets(
  fleet: Fleet,
  job: DrainJob,
  status: "undrained" | "removed",
  act: (link: Link, t: Target) => Promise<unknown>,
): Promise<{ errors: string[]; firstError: ProtocolError | null }> {
  const errors: string[] = [];
  let firstError: ProtocolError | null = null;
  for (const [director, t] of Object.entries(job.targets)) {
    if (t.status !== "draining" && t.status !== "drained") continue;
    try {
      await act(fleet.get(director), t);
      t.status = status;
      t.error = null;
    } catch (err) {
      t.error = (err as Error).message;
      errors.push(`${director}: ${t.error}`);
      firstError ??= err instanceof ProtocolError ? err : null;
    }
  }
  return { errors, firstError };
}
