// The number of changes of each kind between two rule sets: what counting diffRules'
// entries gives, without its canonical ordering (sorting 25,000 keys by parsed address was
// most of an import preview's cost when only the counts are wanted).
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { destKeyString, serviceKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import { destinationFieldsChanged, serviceFieldsChanged } from "@/protocol/rules-diff.ts";

export interface ChangeCounts {
  create: number;
  update: number;
  delete: number;
}

export function countChanges(live: readonly ServiceRules[], proposed: readonly ServiceRules[]): ChangeCounts {
  const counts: ChangeCounts = { create: 0, update: 0, delete: 0 };
  // as in diffRules, a later service of the same key replaces an earlier one
  const before = new Map(live.map((s) => [serviceKeyString(s.key), s]));
  const after = new Map(proposed.map((s) => [serviceKeyString(s.key), s]));
  for (const [k, a] of after) {
    const b = before.get(k);
    if (!b) counts.create += 1 + uniqueDests(a);
    else {
      if (serviceFieldsChanged(b.config, a.config).length > 0) counts.update++;
      countDests(b, a, counts);
    }
  }
  for (const [k, b] of before) if (!after.has(k)) counts.delete += 1 + uniqueDests(b);
  return counts;
}

function uniqueDests(s: ServiceRules): number {
  return new Set(s.destinations.map((d) => destKeyString(d.key))).size;
}

function countDests(b: ServiceRules, a: ServiceRules, counts: ChangeCounts): void {
  const before = new Map(b.destinations.map((d) => [destKeyString(d.key), d]));
  const after = new Map(a.destinations.map((d) => [destKeyString(d.key), d]));
  for (const [k, d] of after) {
    const old = before.get(k);
    if (!old) counts.create++;
    else if (destinationFieldsChanged(old.config, d.config).length > 0) counts.update++;
  }
  for (const k of before.keys()) if (!after.has(k)) counts.delete++;
}
