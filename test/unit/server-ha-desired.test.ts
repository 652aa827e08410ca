// Properties of the group's desired-table functions (server/groups/desired.ts and the ops of
// server/agents/table-ops.ts): the desired version is a director's table version for the same
// table; the change list of a member, run as single ops, turns its table into the desired one;
// every op followed by its undo steps gives the table back; the save-text diff, applied to
// the member's lines, gives the desired lines.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ServiceState } from "@/protocol/ipvs.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { DirectorState } from "@/server/agents/director-state.ts";
import { type TableOp, inverseOps, opOfChange } from "@/server/agents/table-ops.ts";
import { applyToDesired, changesToDesired, desiredText, desiredVersion, saveTextDiff, tableOfState } from "@/server/groups/desired.ts";
import type { DesiredTable } from "@/server/store/groups.ts";
import { serviceRulesArb } from "./ipvsadm-arbitraries.ts";

const zero = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

function stateOf(t: readonly ServiceRules[]): DirectorState {
  const s = new DirectorState();
  const list: ServiceState[] = t.map((svc) => ({
    key: svc.key,
    config: svc.config,
    stats: zero,
    destinations: svc.destinations.map((d) => ({ key: d.key, config: d.config, activeConns: 0, inactiveConns: 0, persistConns: 0, stats: zero })),
  }));
  s.applyList(list);
  return s;
}

/** A desired table and a member's table that differs from it the way hand edits do. */
const pair = fc
  .tuple(serviceRulesArb(5, 4), serviceRulesArb(2, 2), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 40, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 40, maxLength: 40 }))
  .map(([desired, extra, what, weights]) => {
    let n = 0;
    const live: ServiceRules[] = [];
    for (const s of desired) {
      const w = what[n++ % 40]!;
      if (w === 0) continue; // deleted by hand
      const config = w === 1 ? { ...s.config, scheduler: s.config.scheduler === "rr" ? "wlc" : "rr" } : s.config;
      const destinations = s.destinations
        .filter(() => what[n++ % 40]! !== 2)
        .map((d) => (what[n++ % 40]! === 3 ? { ...d, config: { ...d.config, weight: weights[n % 40]! } } : d));
      live.push({ ...s, config: config as typeof s.config, destinations });
    }
    const keys = new Set(live.map((s) => JSON.stringify(s.key)));
    for (const e of extra) if (!desired.some((d) => JSON.stringify(d.key) === JSON.stringify(e.key)) && !keys.has(JSON.stringify(e.key))) live.push(e);
    return { desired: desired as DesiredTable, live };
  });

const lines = (t: readonly ServiceRules[]) => desiredText(t as DesiredTable).split("\n").filter(Boolean).sort();

/** Runs an op on a rule set (what the kernel does with it, for the property). */
function run(t: readonly ServiceRules[], op: TableOp): ServiceRules[] {
  return applyToDesired(t as DesiredTable, op, new DirectorState());
}

describe("desired tables", () => {
  it("the desired version is the version a director with that table has", () => {
    fc.assert(
      fc.property(serviceRulesArb(), (t) => {
        expect(desiredVersion(t as DesiredTable)).toBe(stateOf(t).version);
        expect(desiredVersion(tableOfState(stateOf(t)))).toBe(stateOf(t).version);
      }),
      { numRuns: 300 },
    );
  });

  it("the change list, run as single ops top to bottom, makes the member's table the desired one", () => {
    fc.assert(
      fc.property(pair, ({ desired, live }) => {
        let t: ServiceRules[] = live;
        for (const c of changesToDesired(stateOf(live), desired)) t = run(t, opOfChange(c));
        expect(desiredVersion(t as DesiredTable)).toBe(desiredVersion(desired));
        // the same lines; their order can depend on the input order where ipvsadm's comparator
        // is inconsistent (sort.ts: fwmarks or addresses 2^31 apart), as in the kernel
        expect(lines(t)).toEqual(lines(desired));
        expect(changesToDesired(stateOf(t), desired)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("every op followed by its undo steps gives the table back", () => {
    fc.assert(
      fc.property(pair, ({ desired, live }) => {
        const before = stateOf(live);
        for (const c of changesToDesired(before, desired)) {
          const op = opOfChange(c);
          let t = run(live, op);
          for (const u of inverseOps(before, op)) t = run(t, u);
          expect(lines(t)).toEqual(lines(live));
          expect(desiredVersion(t as DesiredTable)).toBe(before.version);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the save-text diff applied to the member's lines gives the desired lines", () => {
    fc.assert(
      fc.property(pair, ({ desired, live }) => {
        const a = desiredText(live as DesiredTable);
        const b = desiredText(desired);
        const d = saveTextDiff(a, b);
        expect(d.length === 0).toBe(a === b);
        const lines = new Set(a.split("\n").filter(Boolean));
        for (const l of d) {
          if (l.startsWith("-")) lines.delete(l.slice(1));
          else lines.add(l.slice(1));
        }
        expect([...lines].sort()).toEqual(b.split("\n").filter(Boolean).sort());
      }),
      { numRuns: 300 },
    );
  });
});
