"use client";
// A uPlot time-series chart. uPlot draws on a canvas in the browser only: it is created in an
// effect, fed new data with setData, and resized with its container.
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "react";
import uPlot from "uplot";

export const PALETTE = ["#0284c7", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#db2777", "#0d9488", "#65a30d", "#ea580c", "#4f46e5"];

const AXIS = "#8b8b94";

export interface ChartSeries {
  label: string;
  color: string;
  width?: number;
}

/** `format` writes legend values ("1.2 MiB/s"); `axisFormat` the shorter tick labels ("1.2M"). */
export function UPlotChart({
  title,
  series,
  data,
  format,
  axisFormat = format,
}: { title: string; series: ChartSeries[]; data: (number | null)[][]; format: (v: number) => string; axisFormat?: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const signature = series.map((s) => s.label).join("\n");
  const dataRef = useRef(data);
  dataRef.current = data;
  const formatRef = useRef(format);
  formatRef.current = format;
  const axisFormatRef = useRef(axisFormat);
  axisFormatRef.current = axisFormat;

  // (Re)create the chart when its series change; data updates go through setData below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `signature` stands for `series`
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      title,
      width: Math.max(el.clientWidth, 200),
      height: 180,
      scales: { x: { time: true } },
      axes: [
        // canvas colours cannot be "currentColor": a grey that reads on both themes
        { stroke: AXIS, grid: { stroke: "rgba(128,128,128,0.15)" } },
        { stroke: AXIS, grid: { stroke: "rgba(128,128,128,0.15)" }, size: 56, values: (_u, vals) => vals.map((v) => axisFormatRef.current(v)) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 1.5, value: (_u: uPlot, v: number | null) => (v === null ? "-" : formatRef.current(v)) }))],
    };
    const u = new uPlot(opts, dataRef.current as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 200), height: 180 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [signature, title]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  // The canvas is opaque to tests and screen readers: the plotted points and the largest total
  // are also attributes (browser tests check that live traffic reaches the chart).
  const total = (data[1] ?? []).filter((v): v is number => typeof v === "number");
  return (
    <figure
      ref={box}
      aria-label={title}
      data-points={total.length}
      data-total-max={total.length ? Math.max(...total) : 0}
      className="min-w-0 text-zinc-700 dark:text-zinc-300"
    />
  );
}
