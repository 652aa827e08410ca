// The import preview diff: applying its changes to the live set gives the proposed set, the
// order does not depend on input order, and changed fields are named.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ServiceRules } from "../../protocol/ipvsadm/names.ts";
import { RuleModel, destKeyString, serviceKeyString } from "../../protocol/ipvsadm/ruleset.ts";
import { diffRules } from "../../protocol/rules-diff.ts";
import type { RuleDiffEntry } from "../../protocol/rules-diff.ts";
import type { DestinationConfig, ServiceConfig } from "../../protocol/ipvs.ts";
import { serviceRulesArb } from "./ipvsadm-arbitraries.ts";

/** Applies diff entries to a copy of `live` with plain map operations. */
function applyDiff(live: ServiceRules[], changes: RuleDiffEntry[]): ServiceRules[] {
  const model = RuleModel.from(live);
  for (const c of changes) {
    if (!c.destination) {
      if (c.action === "create") model.apply({ kind: "add-service", service: { key: c.service, config: c.after as ServiceConfig } });
      if (c.action === "delete") model.apply({ kind: "delete-service", service: c.service });
      if (c.action === "update") {
        model.apply({ kind: "delete-service", service: c.service });
        const old = live.find((s) => serviceKeyString(s.key) === serviceKeyString(c.service))!;
        model.apply({ kind: "add-service", service: { key: c.service, config: c.after as ServiceConfig } });
        for (const d of [...old.destinations].reverse()) model.apply({ kind: "add-server", service: c.service, destination: d });
      }
    } else {
      const dest = { key: c.destination, config: c.after as DestinationConfig };
      if (c.action === "create") model.apply({ kind: "add-server", service: c.service, destination: dest });
      if (c.action === "delete") model.apply({ kind: "delete-server", service: c.service, destination: c.destination });
      if (c.action === "update") {
        model.apply({ kind: "delete-server", service: c.service, destination: c.destination });
        model.apply({ kind: "add-server", service: c.service, destination: dest });
      }
    }
  }
  return model.toRules();
}

const asSet = (rules: ServiceRules[]) =>
  Object.fromEntries(
    rules.map((s) => [
      serviceKeyString(s.key),
      { config: { ...s.config, schedulerFlags: [...s.config.schedulerFlags].sort() }, dests: Object.fromEntries(s.destinations.map((d) => [destKeyString(d.key), d.config])) },
    ]),
  );

describe("diffRules", () => {
  it("live + diff == proposed", () => {
    fc.assert(
      fc.property(serviceRulesArb(), serviceRulesArb(), (live, proposed) => {
        expect(asSet(applyDiff(live, diffRules(live, proposed)))).toEqual(asSet(proposed));
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
