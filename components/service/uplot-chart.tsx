"use client";
// A uPlot time-series chart. uPlot draws on a canvas in the browser only: it is created in an
// effect, fed new data with setData, and resized with its container. Times (the x axis, the
// legend's time) are written by components/lib/clock.ts in the user's time zone (useClock);
// the chart is recreated when the zone changes, since uPlot places its ticks with tzDate.
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import { useClock } from "../hooks/use-clock.ts";

export { PALETTE } from "./chart-palette.ts";

const AXIS = "#8b8b94";

export interface ChartSeries {
  label: string;
  color: string;
  width?: number;
}

/**
 * `format` writes legend values ("1.2 Mbit/s"); `axisFormat` the tick labels, with their unit
 * ("1.2 Mbit/s", "340 conn/s"); `unit` names it for the y axis ("bit/s").
 */
export function UPlotChart({
  title,
  series,
  data,
  format,
  axisFormat = format,
  unit,
}: {
  title: string;
  series: ChartSeries[];
  data: (number | null)[][];
  format: (v: number) => string;
  axisFormat?: (v: number) => string;
  unit?: string;
}) {
  const box = useRef<HTMLElement>(null);
  const plot = useRef<uPlot | null>(null);
  const clock = useClock();
  const signature = series.map((s) => s.label).join("\n");
  const dataRef = useRef(data);
  dataRef.current = data;
  const formatRef = useRef(format);
  formatRef.current = format;
  const axisFormatRef = useRef(axisFormat);
  axisFormatRef.current = axisFormat;

  // (Re)create the chart when its series or the time zone change; data updates go through setData below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `signature` stands for `series`
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const { zone } = clock;
    const opts: uPlot.Options = {
      title,
      width: Math.max(el.clientWidth, 200),
      height: 180,
      scales: { x: { time: true } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
      axes: [
        // canvas colours cannot be "currentColor": a grey that reads on both themes
        {
          stroke: AXIS,
          grid: { stroke: "rgba(128,128,128,0.15)" },
          values: (_u, splits, _i, _space, incr) => {
            const labels = splits.map((s, i) => clock.axis(s, incr, i === 0 ? undefined : splits[i - 1]));
            // the canvas is opaque to tests and screen readers: what the axis says, as attributes
            el.dataset.xSplits = splits.join(" ");
            el.dataset.xTicks = labels.join("|");
            return labels;
          },
        },
        {
          stroke: AXIS,
          grid: { stroke: "rgba(128,128,128,0.15)" },
          size: 80,
          values: (_u, vals) => {
            const labels = vals.map((v) => axisFormatRef.current(v));
            el.dataset.yTicks = labels.join("|");
            return labels;
          },
        },
      ],
      series: [
        { value: (_u: uPlot, v: number | null) => (v === null ? "-" : clock.dateTime(v * 1000)) },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 1.5, value: (_u: uPlot, v: number | null) => (v === null ? "-" : formatRef.current(v)) })),
      ],
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
  }, [signature, title, clock]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  // The plotted points, the largest total and the last point's time (as the legend writes it)
  // are also attributes (browser tests check that live traffic reaches the chart).
  const total = (data[1] ?? []).filter((v): v is number => typeof v === "number");
  const times = data[0] ?? [];
  const last = times[times.length - 1];
  return (
    <figure
      ref={box}
      aria-label={title}
      data-points={total.length}
      data-total-max={total.length ? Math.max(...total) : 0}
      data-unit={unit}
      data-time-zone={clock.zone}
      data-last-time={typeof last === "number" ? clock.dateTime(last * 1000) : ""}
      className="min-w-0 text-zinc-700 dark:text-zinc-300"
    />
  );
}
