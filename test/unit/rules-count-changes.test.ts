// countChanges (the "counts" report of rules.import) agrees with counting diffRules' entries.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countChanges } from "@/agent/rules/count-changes.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { diffRules } from "@/protocol/rules-diff.ts";
import { serviceRulesArb } from "./ipvsadm-arbitraries.ts";

function counted(live: ServiceRules[], proposed: ServiceRules[]) {
  const c = { create: 0, update: 0, delete: 0 };
  for (const x of diffRules(live, proposed)) c[x.action]++;
  return c;
}

describe("countChanges", () => {
  it("equals the per-kind count of diffRules, also for overlapping and edited tables", () => {
    fc.assert(
      fc.property(serviceRulesArb(5, 4), serviceRulesArb(5, 4), fc.boolean(), (a, b, overlap) => {
        // overlap: the proposed table reuses the live keys with other configs/servers
        const proposed = overlap ? b.map((s, i) => (a[i] ? { ...s, key: a[i]!.key } : s)) : b;
        expect(countChanges(a, proposed)).toEqual(counted(a, proposed));
        expect(countChanges(a, a)).toEqual({ create: 0, update: 0, delete: 0 });
      }),
      { numRuns: 300 },
    );
  });
});
