"use client";
// UPlotChart loaded on demand: uPlot (~20 KB gzip) and its CSS come after the page's first
// JavaScript, while a box of the chart's height holds the place.
import dynamic from "next/dynamic";

export const LazyUPlotChart = dynamic(() => import("./uplot-chart.tsx").then((m) => m.UPlotChart), {
  ssr: false,
  loading: () => <div className="h-56" aria-hidden="true" />,
});
