// One change of a director's IPVS table as the REST routes make it (a service or real server
// created, updated or deleted): the agent request it is, how to run it on a link, what it does
// to a rule set (a group's desired table), and the steps that undo it, computed from the
// table the link knew before (for the all-or-nothing group changes).
import { destinationKeyString, serviceKeyString } from "@/protocol/dashboard/index.ts";
import type { Destination, DestinationKey, Service, ServiceKey } from "@/protocol/ipvs.ts";
import type { DestinationConfigPatch, ServiceConfigPatch } from "@/protocol/agent/ipvs.ts";
import type { RuleChange } from "@/protocol/agent/rules.ts";
import type { DirectorState } from "./director-state.ts";
import type { DirectorLink } from "./link.ts";

export type TableOp =
  | { type: "service.create"; payload: Service }
  | { type: "service.update"; payload: { key: ServiceKey; config: ServiceConfigPatch } }
  | { type: "service.delete"; payload: { key: ServiceKey } }
  | { type: "dest.create"; payload: { service: ServiceKey; destination: Destination } }
  | { type: "dest.update"; payload: { service: ServiceKey; key: DestinationKey; config: DestinationConfigPatch } }
  | { type: "dest.delete"; payload: { service: ServiceKey; key: DestinationKey } };

/** The service an op touches (serviceKeyString). */
export function opService(op: TableOp): string {
  return serviceKeyString("service" in op.payload ? op.payload.service : op.payload.key);
}

/** The real server an op touches (destinationKeyString), null for service ops. */
export function opDestination(op: TableOp): string | null {
  if (op.type === "dest.create") return destinationKeyString(op.payload.destination.key);
  if (op.type === "dest.update" || op.type === "dest.delete") return destinationKeyString(op.payload.key);
  return null;
}

/** The audit target: "tcp:10.0.0.1:80" or "tcp:10.0.0.1:80 10.0.0.11:80". */
export function opTarget(op: TableOp): string {
  const d = opDestination(op);
  return d === null ? opService(op) : `${opService(op)} ${d}`;
}

/** Runs the op on a director (fails fast when offline; the link re-lists after it). */
export async function runOp(l: DirectorLink, op: TableOp): Promise<void> {
  switch (op.type) {
    case "service.create":
      await l.request("service.create", op.payload);
      return;
    case "service.update":
      await l.request("service.update", op.payload);
      return;
    case "service.delete":
      await l.request("service.delete", op.payload);
      return;
    case "dest.create":
      await l.request("dest.create", op.payload);
      return;
    case "dest.update":
      await l.request("dest.update", op.payload);
      return;
    case "dest.delete":
      await l.request("dest.delete", op.payload);
      return;
  }
}

/** The ops that undo `op` on a director whose table was `before` when it ran. */
export function inverseOps(before: DirectorState, op: TableOp): TableOp[] {
  const svc = before.services.get(opService(op));
  const dk = opDestination(op);
  const dest = dk === null ? undefined : svc?.destinations.get(dk);
  switch (op.type) {
    case "service.create":
      return [{ type: "service.delete", payload: { key: op.payload.key } }];
    case "service.update":
      return svc ? [{ type: "service.update", payload: { key: op.payload.key, config: svc.config } }] : [];
    case "service.delete":
      if (!svc) return [];
      return [
        { type: "service.create", payload: { key: svc.key, config: svc.config } },
        ...[...svc.destinations.values()].map(
          (d): TableOp => ({ type: "dest.create", payload: { service: svc.key, destination: { key: d.key, config: d.config } } }),
        ),
      ];
    case "dest.create":
      return [{ type: "dest.delete", payload: { service: op.payload.service, key: op.payload.destination.key } }];
    case "dest.update":
      return dest ? [{ type: "dest.update", payload: { service: op.payload.service, key: op.payload.key, config: dest.config } }] : [];
    case "dest.delete":
      return dest ? [{ type: "dest.create", payload: { service: op.payload.service, destination: { key: dest.key, config: dest.config } } }] : [];
  }
}

/** The op that performs one entry of a rules diff (the agent's rules.diff): the smallest
 * change, so counters of everything else survive (no flush-and-rebuild). */
export function opOfChange(c: RuleChange): TableOp {
  if (!c.destination) {
    if (c.action === "delete") return { type: "service.delete", payload: { key: c.service } };
    const config = c.after as Service["config"];
    return c.action === "create"
      ? { type: "service.create", payload: { key: c.service, config } }
      : { type: "service.update", payload: { key: c.service, config } };
  }
  if (c.action === "delete") return { type: "dest.delete", payload: { service: c.service, key: c.destination } };
  const config = c.after as Destination["config"];
  return c.action === "create"
    ? { type: "dest.create", payload: { service: c.service, destination: { key: c.destination, config } } }
    : { type: "dest.update", payload: { service: c.service, key: c.destination, config } };
}
