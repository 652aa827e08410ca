// The import preview diff: its changes, applied by the agent's code to a table holding the live
// set, give the proposed set; the order does not depend on input order; changed fields are named.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { destKeyString, serviceKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import { diffRules } from "@/protocol/rules-diff.ts";
import { importRules } from "@/agent/rules/import.ts";
import { configsOnly, repairTo } from "@/agent/rules/repair.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { serviceArb, serviceRulesArb } from "./ipvsadm-arbitraries.ts";

/** A fake kernel table holding `rules` (servers in list order). */
async function tableOf(rules: readonly ServiceRules[]): Promise<FakeIpvs> {
  const ipvs = new FakeIpvs();
  for (const s of rules) {
    await ipvs.createService({ key: s.key, config: s.config });
    for (const d of s.destinations) await ipvs.createDestination(s.key, d);
  }
  return ipvs;
}

/**
 * A live set and a proposal made from it (services kept, re-configured or dropped; servers
 * kept, re-weighted or dropped) plus new services: independent sets rarely share a key, and
 * then the diff would never update anything.
 */
const editedPairArb = fc
  .tuple(serviceRulesArb(), serviceRulesArb(3, 3))
  .chain(([live, extra]) => {
    const liveKeys = new Set(live.map((s) => serviceKeyString(s.key)));
    const destEdit = (d: ServiceRules["destinations"][number]) =>
      fc
        .record({ keep: fc.constantFrom("same", "edit", "drop"), weight: fc.integer({ min: 0, max: 65535 }), upper: fc.integer({ min: 0, max: 1000 }) })
        .map(({ keep, weight, upper }) =>
          keep === "drop" ? null : keep === "same" ? d : { ...d, config: { ...d.config, weight, upperThreshold: upper, lowerThreshold: Math.floor(upper / 2) } },
        );
    const serviceEdit = (s: ServiceRules) =>
      fc
        .tuple(fc.constantFrom("same", "edit", "drop"), serviceArb(s.key), fc.tuple(...s.destinations.map(destEdit)))
        .map(([keep, other, dests]): ServiceRules | null =>
          keep === "drop" ? null : { key: s.key, config: keep === "edit" ? other.config : s.config, destinations: dests.filter((d) => d !== null) },
        );
    return fc.tuple(fc.constant(live), fc.tuple(...live.map(serviceEdit))).map(([l, edited]) => ({
      live: l,
      proposed: [...edited.filter((s) => s !== null), ...extra.filter((s) => !liveKeys.has(serviceKeyString(s.key)))],
    }));
  });

const asSet = (rules: ServiceRules[]) =>
  Object.fromEntries(
    rules.map((s) => [
      serviceKeyString(s.key),
      { config: { ...s.config, schedulerFlags: [...s.config.schedulerFlags].sort() }, dests: Object.fromEntries(s.destinations.map((d) => [destKeyString(d.key), d.config])) },
    ]),
  );

describe("diffRules", () => {
  // The diff applied by the agent's own code, on a table that only the kernel calls change:
  // repairTo (the rollback's repair) sends diffRules(live, target) change by change, and a JSON
  // merge import sends diffRulesMerge through the planner and applyPlan.
  it("live + diff == proposed, applied by the agent's repair to a fake kernel table", async () => {
    await fc.assert(
      fc.asyncProperty(editedPairArb, async ({ live, proposed }) => {
        const ipvs = await tableOf(live);
        const errors: string[] = [];
        await repairTo(ipvs, proposed, null, errors);
        expect(errors).toEqual([]);
        expect(asSet(configsOnly(await ipvs.listServices()))).toEqual(asSet(proposed));
      }),
      { numRuns: 200 },
    );
  });

  it("live + merge diff == live overlaid with proposed, applied by the agent's JSON merge import", async () => {
    await fc.assert(
      fc.asyncProperty(editedPairArb, async ({ live, proposed }) => {
        const ipvs = await tableOf(live);
        const r = await importRules(ipvs, { format: "json", rules: { services: proposed } }, "merge", false);
        expect(r.errors).toEqual([]);
        expect(r.applied).toBe(true);
        // what merge means, stated without the diff: every proposed service and server with
        // the proposed config; everything else of the live table untouched
        const want = asSet(live);
        for (const [k, v] of Object.entries(asSet(proposed))) want[k] = { config: v.config, dests: { ...(want[k]?.dests ?? {}), ...v.dests } };
        expect(asSet(configsOnly(await ipvs.listServices()))).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it("is empty for identical sets and independent of input order", () => {
    fc.assert(
      fc.property(serviceRulesArb(), serviceRulesArb(), (a, b) => {
        expect(diffRules(a, a)).toEqual([]);
        const shuffled = [...b].reverse().map((s) => ({ ...s, destinations: [...s.destinations].reverse() }));
        expect(diffRules(a, shuffled)).toEqual(diffRules(a, b));
      }),
      { numRuns: 100 },
    );
  });

  it("names the fields that changed", () => {
    const svc = (sched: "rr" | "wlc", weight: number): ServiceRules => ({
      key: { protocol: "tcp", address: "10.0.0.1", port: 80 },
      config: { scheduler: sched, schedulerFlags: [], persistence: null, pe: null, onePacket: false },
      destinations: [
        { key: { address: "10.0.0.2", port: 80 }, config: { forwarding: "route", weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null } },
      ],
    });
    const d = diffRules([svc("rr", 1)], [svc("wlc", 5)]);
    expect(d.map((c) => [c.action, c.destination?.address ?? null, c.fields])).toEqual([
      ["update", null, ["scheduler"]],
      ["update", "10.0.0.2", ["weight"]],
    ]);
  });
});
