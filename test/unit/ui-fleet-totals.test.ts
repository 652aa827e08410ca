// Fleet totals: per director, per group and over the fleet (realserver agents left out), and
// the combined chart's series aligned from each director's newest sparkline point.
import { describe, expect, it } from "vitest";
import type { DirectorView } from "@/protocol/dashboard/index.ts";
import { combinedSeries, fleetTotals } from "@/components/fleet/fleet-totals.ts";

function d(id: string, group: string, t: Partial<DirectorView["traffic"]>, bps: number[] = [], role: DirectorView["role"] = "director"): DirectorView {
  return {
    id,
    name: id,
    url: "wss://x",
    group,
    role,
    link: "online",
    linkError: null,
    since: 0,
    ipvsVersion: null,
    connTableSize: null,
    serviceCount: 0,
    destinationCount: 0,
    traffic: { cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0, activeConns: 0, inactiveConns: 0, ...t },
    sparklines: { cps: {}, bps: Object.fromEntries(bps.map((v, i) => [String(100 + i), v])), activeConns: {} },
    ha: null,
  };
}

const FLEET = [
  d("dir2", "ha", { cps: 2, inBps: 100, outBps: 900, activeConns: 3, inactiveConns: 4 }, [5, 6]),
  d("dir1", "ha", { cps: 1.5, inBps: 10, outBps: 0, activeConns: 1, inactiveConns: 0 }, [1, 2, 3]),
  d("solo", "", { cps: 10, inBps: 1, outBps: 1, activeConns: 7, inactiveConns: 9 }, [10]),
  d("rs1", "", { cps: 99, inBps: 99, activeConns: 99 }, [99], "realserver"),
];

describe("fleetTotals", () => {
  it("sums each group's directors and the fleet; agents are not directors", () => {
    const t = fleetTotals(FLEET);
    expect(t.directorCount).toBe(3);
    expect(t.groups.map((g) => [g.group, g.directors.map((x) => x.id), g.totals])).toEqual([
      ["ha", ["dir1", "dir2"], { cps: 3.5, bps: 1010, activeConns: 4, inactiveConns: 4 }],
      ["", ["solo"], { cps: 10, bps: 2, activeConns: 7, inactiveConns: 9 }],
    ]);
    expect(t.fleet).toEqual({ cps: 13.5, bps: 1012, activeConns: 11, inactiveConns: 13 });
  });
});

describe("combinedSeries", () => {
  it("aligns the directors from their newest point, null where one has none, the total first", () => {
    const s = combinedSeries(FLEET, "bps", 1000);
    expect(s.labels).toEqual(["Fleet total", "dir1", "dir2", "solo"]);
    expect(s.data).toEqual([
      [998, 999, 1000],
      [1, 7, 19],
      [1, 2, 3],
      [null, 5, 6],
      [null, null, 10],
    ]);
  });

  it("is empty without points", () => {
    expect(combinedSeries([], "cps", 5).data).toEqual([[], []]);
  });
});
