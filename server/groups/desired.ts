// A group's desired table as a rule set (server/store/groups.ts DesiredTable): built from a
// member's table, its version (the same digest as a director's table version, so a member in
// sync has exactly the desired version), its ipvsadm -S -n text, the changes between it and a
// member's table, and what a group-wide change does to it.
import {
  type DesiredService,
  destinationKeyString,
  serviceKeyString,
} from "@/protocol/dashboard/index.ts";
import { formatSave } from "@/protocol/ipvsadm/save.ts";
import { type RuleDiffEntry, diffRules } from "@/protocol/rules-diff.ts";
import type { DirectorState } from "../agents/director-state.ts";
import { type TableOp, opDestination, opService } from "../agents/table-ops.ts";
import { type VersionedEntry, tableVersion } from "../versions/digest.ts";
import type { DesiredTable } from "../store/groups.ts";

/** A director's table, configurations only. */
export function tableOfState(state: DirectorState): DesiredTable {
  return [...state.services.values()].map((s) => ({
    key: s.key,
    config: s.config,
    destinations: [...s.destinations.values()].map((d) => ({ key: d.key, config: d.config })),
  }));
}

function versionedMap(t: DesiredTable): Map<string, VersionedEntry> {
  return new Map(
    t.map((s) => [serviceKeyString(s.key), { config: s.config, destinations: new Map(s.destinations.map((d) => [destinationKeyString(d.key), { config: d.config }])) }]),
  );
}

export function desiredVersion(t: DesiredTable): string {
  return tableVersion(versionedMap(t));
}

/** `ipvsadm -S -n` text plus -x/-y where set, as the agent's rules.export writes it. */
export function desiredText(t: DesiredTable): string {
  return formatSave(t, { thresholds: true });
}

/** What turns the member's table into the desired one (replace semantics). */
export function changesToDesired(state: DirectorState, t: DesiredTable): RuleDiffEntry[] {
  return diffRules(tableOfState(state), t);
}

export function desiredServices(t: DesiredTable): Record<string, DesiredService> {
  const out: Record<string, DesiredService> = {};
  for (const s of t) {
    const key = serviceKeyString(s.key);
    const destinations: DesiredService["destinations"] = {};
    for (const d of s.destinations) {
      const dk = destinationKeyString(d.key);
      destinations[dk] = { key: dk, address: d.key.address, port: d.key.port, config: d.config };
    }
    out[key] = { key, config: s.config, destinations };
  }
  return out;
}

export function destinationCount(t: DesiredTable): number {
  return t.reduce((n, s) => n + s.destinations.length, 0);
}

/**
 * The desired table after `op` succeeded on every member. The changed service or real server
 * is taken as `ref` (a member, re-listed after the change) now has it, so the desired table
 * holds what the kernel made of the request (defaults filled in), and nothing else of `ref`'s
 * table leaks in; without it there (it cannot happen after a success), from the request.
 */
export function applyToDesired(t: DesiredTable, op: TableOp, ref: DirectorState): DesiredTable {
  const ks = opService(op);
  const dk = opDestination(op);
  const refSvc = ref.services.get(ks);
  const next = t.map((s) => ({ ...s, destinations: [...s.destinations] }));
  const idx = next.findIndex((s) => serviceKeyString(s.key) === ks);
  const svc = idx >= 0 ? next[idx]! : null;
  switch (op.type) {
    case "service.create":
      if (svc) return next;
      next.push({ key: op.payload.key, config: refSvc?.config ?? op.payload.config, destinations: [] });
      return next;
    case "service.update":
      if (svc) svc.config = refSvc?.config ?? { ...svc.config, ...op.payload.config };
      return next;
    case "service.delete":
      if (idx >= 0) next.splice(idx, 1);
      return next;
    default: {
      if (!svc || dk === null) return next;
      const di = svc.destinations.findIndex((d) => destinationKeyString(d.key) === dk);
      const refDest = refSvc?.destinations.get(dk);
      if (op.type === "dest.delete") {
        if (di >= 0) svc.destinations.splice(di, 1);
      } else if (op.type === "dest.create") {
        if (di < 0) svc.destinations.push({ key: op.payload.destination.key, config: refDest?.config ?? op.payload.destination.config });
      } else if (di >= 0) {
        const cur = svc.destinations[di]!;
        svc.destinations[di] = { key: cur.key, config: refDest?.config ?? { ...cur.config, ...op.payload.config } };
      }
      return next;
    }
  }
}

/**
 * A line diff of two ipvsadm -S -n texts (both in ipvsadm's sort order): "-" for a line only
 * in `live`, "+" for one only in `desired`, walked in step so that a changed line's "-" comes
 * right before its "+".
 */
export function saveTextDiff(live: string, desired: string): string[] {
  const a = live.split("\n").filter((l) => l !== "");
  const b = desired.split("\n").filter((l) => l !== "");
  const inA = new Set(a);
  const inB = new Set(b);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && x === y) {
      i++;
      j++;
    } else if (x !== undefined && y !== undefined && !inB.has(x) && !inA.has(y)) {
      // a changed line: its old and new text side by side
      out.push(`-${x}`, `+${y}`);
      i++;
      j++;
    } else if (x !== undefined && !inB.has(x)) {
      out.push(`-${x}`);
      i++;
    } else if (y !== undefined && !inA.has(y)) {
      out.push(`+${y}`);
      j++;
    } else if (x !== undefined) {
      // in both, at another place: skip it here, it is matched where it is
      i++;
    } else j++;
  }
  return out;
}
