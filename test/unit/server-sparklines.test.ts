// Sparklines travel as keyed points so that a second's merge patch to the overview page adds
// one point and drops one per metric, instead of resending every 60-point array (which made
// most of the live bytes of the fleet benchmark).
import { describe, expect, it } from "vitest";
import { SPARKLINE_POINTS, sparklineValues } from "@/protocol/dashboard/index.ts";
import { apply, diff } from "@/protocol/merge-patch.ts";
import { DirectorState } from "@/server/agents/director-state.ts";

const stats = () => ({ time: Date.now(), services: [] });

function view(s: DirectorState) {
  return {
    cps: Object.fromEntries(s.sparklines.cps),
    bps: Object.fromEntries(s.sparklines.bps),
    activeConns: Object.fromEntries(s.sparklines.activeConns),
  };
}

describe("sparklines", () => {
  it("keep the last SPARKLINE_POINTS points in order, and a new point is a small patch", () => {
    const s = new DirectorState();
    for (let i = 0; i < SPARKLINE_POINTS + 15; i++) s.applyStats(stats());
    const before = view(s);
    expect(sparklineValues(before.cps)).toHaveLength(SPARKLINE_POINTS);
    s.applyStats(stats());
    const after = view(s);
    const patch = diff(before, after) as Record<string, Record<string, unknown>>;
    // per metric: the new point, and the oldest one removed
    for (const m of ["cps", "bps", "activeConns"]) expect(Object.keys(patch[m] ?? {})).toHaveLength(2);
    expect(apply(before, patch)).toEqual(after);
    expect(sparklineValues(after.cps)).toHaveLength(SPARKLINE_POINTS);
  });

  it("sparklineValues orders by counter, numerically", () => {
    expect(sparklineValues({ "9": 1, "10": 2, "11": 3 })).toEqual([1, 2, 3]);
    expect(sparklineValues(undefined)).toEqual([]);
  });
});
