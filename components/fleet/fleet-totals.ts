// Fleet totals: the directors' live numbers summed per group and over the fleet (realserver
// agents carry no IPVS traffic and are left out), and the combined chart's series built from
// the directors' one-minute sparklines.
import type { DirectorView } from "@/protocol/dashboard/index.ts";
import { sparklineValues } from "@/protocol/dashboard/values.ts";
import { groupDirectors } from "./group-directors.ts";

export interface Totals {
  cps: number;
  /** bytes/s in + out, as the kernel's estimator reports them (shown in bit/s) */
  bps: number;
  activeConns: number;
  inactiveConns: number;
}

export const NO_TOTALS: Totals = { cps: 0, bps: 0, activeConns: 0, inactiveConns: 0 };

export function directorTotals(d: DirectorView): Totals {
  const t = d.traffic;
  return { cps: t?.cps ?? 0, bps: (t?.inBps ?? 0) + (t?.outBps ?? 0), activeConns: t?.activeConns ?? 0, inactiveConns: t?.inactiveConns ?? 0 };
}

export function addTotals(a: Totals, b: Totals): Totals {
  return { cps: a.cps + b.cps, bps: a.bps + b.bps, activeConns: a.activeConns + b.activeConns, inactiveConns: a.inactiveConns + b.inactiveConns };
}

export interface GroupTotals {
  group: string;
  totals: Totals;
  directors: { id: string; name: string; link: DirectorView["link"]; totals: Totals }[];
}

export interface FleetTotals {
  groups: GroupTotals[];
  fleet: Totals;
  directorCount: number;
}

export function fleetTotals(all: Iterable<DirectorView>): FleetTotals {
  const directors = [...all].filter((d) => d.role !== "realserver");
  const groups = groupDirectors(directors).map((g) => {
    const rows = g.directors.map((d) => ({ id: d.id, name: d.name, link: d.link, totals: directorTotals(d) }));
    return { group: g.group, directors: rows, totals: rows.reduce((t, r) => addTotals(t, r.totals), NO_TOTALS) };
  });
  return { groups, fleet: groups.reduce((t, g) => addTotals(t, g.totals), NO_TOTALS), directorCount: directors.length };
}

export type ChartMetric = "bps" | "cps" | "activeConns";

/**
 * The combined chart: the fleet's total first, then one series per director, over the last
 * minute. Each director's sparkline holds its last stats pushes (one a second), newest last,
 * so the series are aligned from their newest point; a director with fewer points is null
 * (not zero) where it has none. `nowSec` is the newest point's time.
 */
export function combinedSeries(all: Iterable<DirectorView>, metric: ChartMetric, nowSec: number): { labels: string[]; data: (number | null)[][] } {
  const directors = [...all].filter((d) => d.role !== "realserver").sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const values = directors.map((d) => sparklineValues(d.sparklines?.[metric]));
  const n = Math.max(0, ...values.map((v) => v.length));
  const x = Array.from({ length: n }, (_, i) => nowSec - (n - 1 - i));
  const padded = values.map((v) => [...Array<number | null>(n - v.length).fill(null), ...v]);
  const total = x.map((_, i) => {
    const present = padded.map((v) => v[i]).filter((v): v is number => typeof v === "number");
    return present.length ? present.reduce((a, b) => a + b, 0) : null;
  });
  return { labels: ["Fleet total", ...directors.map((d) => d.name)], data: [x, total, ...padded] };
}
