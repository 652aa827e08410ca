"use client";
// The fleet page's totals: conns/s, traffic (bit/s), active and inactive connections per
// director, per group and for the whole fleet, and one chart of the last minute combining
// every director (the fleet total first) for the chosen metric. Live from the "fleet" topic.
import { useState } from "react";
import { useFleet } from "../hooks/use-fleet.ts";
import { formatBitRate, formatCount, formatSi } from "../lib/format.ts";
import { PALETTE } from "../service/chart-palette.ts";
import { LazyUPlotChart as UPlotChart } from "../service/lazy-uplot-chart.tsx";
import { SelectField } from "../ui/field.tsx";
import { type ChartMetric, combinedSeries, fleetTotals, type Totals } from "./fleet-totals.ts";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

const METRICS: { value: ChartMetric; label: string; unit: string; format: (v: number) => string }[] = [
  { value: "bps", label: "Traffic (bit/s)", unit: "bit/s", format: formatBitRate },
  { value: "cps", label: "Connections per second", unit: "conn/s", format: (v) => `${formatSi(v)} conn/s` },
  { value: "activeConns", label: "Active connections", unit: "connections", format: formatCount },
];

export function FleetTotalsPanel() {
  const { directors } = useFleet();
  const [metric, setMetric] = useState<ChartMetric>("bps");
  if (!directors) return null;
  const totals = fleetTotals(Object.values(directors));
  if (totals.directorCount === 0) return null;
  const m = METRICS.find((x) => x.value === metric) ?? METRICS[0]!;
  const chart = combinedSeries(Object.values(directors), metric, Math.floor(Date.now() / 1000));
  const series = chart.labels.map((label, i) => ({ label, color: PALETTE[i % PALETTE.length]!, width: i === 0 ? 2.5 : 1.25 }));
  const showGroups = totals.groups.length > 1 || totals.groups[0]?.group !== "";
  return (
    <section aria-labelledby="fleet-totals-title" className="flex flex-col gap-3" data-testid="fleet-totals">
      <h2 id="fleet-totals-title" className="text-sm font-semibold tracking-wide text-zinc-500 uppercase">
        Fleet totals
      </h2>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
        <Table density="snug" className="w-full min-w-[36rem] text-sm">
          <THead>
            <Tr bare>
              <Th>Director or group</Th>
              <Th numeric>Conns/s</Th>
              <Th numeric>Traffic</Th>
              <Th numeric>Active conns</Th>
              <Th numeric>Inactive conns</Th>
            </Tr>
          </THead>
          <TBody>
            {totals.groups.map((g) => (
              <GroupRows key={g.group} group={g} showGroup={showGroups} />
            ))}
            <TotalsRow testId="totals-fleet" name={`Fleet (${totals.directorCount} ${totals.directorCount === 1 ? "director" : "directors"})`} totals={totals.fleet} strong />
          </TBody>
        </Table>
      </div>
      <div className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
        <div className="w-64">
          <SelectField label="Chart" value={metric} onChange={(e) => setMetric(e.target.value as ChartMetric)} options={METRICS} />
        </div>
        <div data-testid="fleet-chart">
          <UPlotChart title={`${m.label}, last minute: fleet total and each director`} series={series} data={chart.data} format={m.format} unit={m.unit} />
        </div>
      </div>
    </section>
  );
}

function GroupRows({ group, showGroup }: { group: ReturnType<typeof fleetTotals>["groups"][number]; showGroup: boolean }) {
  return (
    <>
      {showGroup && <TotalsRow testId={`totals-group-${group.group || "none"}`} name={group.group ? `Group ${group.group}` : "No group"} totals={group.totals} strong />}
      {group.directors.map((d) => (
        <TotalsRow key={d.id} testId={`totals-director-${d.id}`} name={d.name} totals={d.totals} indent={showGroup} note={d.link === "online" ? "" : d.link} />
      ))}
    </>
  );
}

/** Raw numbers are also attributes: the browser test sums the directors' and compares. */
function TotalsRow({ testId, name, totals, strong = false, indent = false, note = "" }: { testId: string; name: string; totals: Totals; strong?: boolean; indent?: boolean; note?: string }) {
  return (
    <Tr
      className={strong ? "font-semibold" : undefined}
      data-testid={testId}
      data-cps={totals.cps}
      data-bps={totals.bps}
      data-active={totals.activeConns}
      data-inactive={totals.inactiveConns}
    >
      <Td className={indent ? "pl-7" : undefined}>
        {name}
        {note && <span className="ml-2 text-xs font-normal text-zinc-500">({note})</span>}
      </Td>
      <Td numeric className="tabular-nums">
        {formatSi(totals.cps)}
      </Td>
      <Td numeric className="tabular-nums">
        {formatBitRate(totals.bps)}
      </Td>
      <Td numeric className="tabular-nums">
        {formatCount(totals.activeConns)}
      </Td>
      <Td numeric className="tabular-nums">
        {formatCount(totals.inactiveConns)}
      </Td>
    </Tr>
  );
}
