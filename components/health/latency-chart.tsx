"use client";
// Check latencies of a service's real servers over the last minutes (the server samples every
// health.get, about every 2 s, and keeps 150 points per real server), live from topic
// "health:<id>:<serviceKey>", drawn with the traffic charts' uPlot component.
import { useMemo } from "react";
import { useHealthLatency } from "../hooks/use-health.ts";
import { PALETTE, UPlotChart } from "../service/uplot-chart.tsx";
import { formatLatency, latencyColumns, latencyKeys } from "./health-state.ts";

/** short tick labels: the axis is 56 px wide */
const axisLatency = (v: number) => (v >= 1000 ? `${Math.round(v / 100) / 10}s` : `${Math.round(v)}ms`);

export function LatencyChart({ director, service }: { director: string; service: string }) {
  const live = useHealthLatency(director, service);
  const signature = latencyKeys(live.data).join(" ");
  // keyed by the real servers' names, so the chart is rebuilt only when they change
  const keys = useMemo(() => (signature === "" ? [] : signature.split(" ")), [signature]);
  const series = useMemo(() => keys.map((k, i) => ({ label: k, color: PALETTE[i % PALETTE.length]! })), [keys]);
  const data = useMemo(() => latencyColumns(live.data, keys), [live.data, keys]);
  if (!live.ready) return <p className="text-sm text-zinc-500">Waiting for check latencies…</p>;
  if (keys.length === 0) return <p className="text-sm text-zinc-500">No check results yet.</p>;
  return (
    <div data-testid="latency-chart">
      <UPlotChart title="Check latency" series={series} data={data} format={formatLatency} axisFormat={axisLatency} unit="ms" />
    </div>
  );
}
