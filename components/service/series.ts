// Chart data of one service: the stored history (History, uPlot's column layout) with the live
// points of topic "service:<id>:<key>" appended, trimmed to the chosen range. Pure functions,
// unit-tested; the chart component only hands the result to uPlot.
import type { History, HistoryRange, SeriesColumns, ServiceLiveView, TrafficPoint } from "@/protocol/dashboard/index.ts";
import { formatSi } from "../lib/format.ts";

export const RANGE_SECONDS: Record<HistoryRange, number> = { "15m": 900, "1h": 3600, "24h": 86400, "7d": 604800, "30d": 2592000 };

/** The picker's ranges: 30d only when the server reads long ranges from Prometheus. */
export function rangesOffered(prometheus: boolean): HistoryRange[] {
  return prometheus ? ["15m", "1h", "24h", "7d", "30d"] : ["15m", "1h", "24h", "7d"];
}

/** Prometheus's graph page for one chart's range (the charts link there). */
export function prometheusGraphUrl(base: string, expr: string, rangeSeconds: number): string {
  const q = new URLSearchParams({ "g0.expr": expr, "g0.tab": "0", "g0.range_input": `${Math.round(rangeSeconds / 3600)}h` });
  return `${base}/graph?${q.toString()}`;
}

export const METRICS = ["cps", "inPps", "outPps", "inBps", "outBps", "activeConns"] as const;
export type Metric = (typeof METRICS)[number];

/** Traffic is drawn in bit/s like every rate on the dashboard (the history carries bytes/s:
 * inBps/outBps; alignedFor multiplies them by 8), the other rates per second. */
export const METRIC_TITLES: Record<Metric, string> = {
  cps: "Connections per second (conn/s)",
  inPps: "Packets in per second (pkt/s)",
  outPps: "Packets out per second (pkt/s)",
  inBps: "Traffic in (bit/s)",
  outBps: "Traffic out (bit/s)",
  activeConns: "Active connections",
};

/** The y axis's unit of each chart. */
export const METRIC_UNITS: Record<Metric, string> = {
  cps: "conn/s",
  inPps: "pkt/s",
  outPps: "pkt/s",
  inBps: "bit/s",
  outBps: "bit/s",
  activeConns: "connections",
};

/** What alignedFor multiplies a metric's stored values by: bytes/s to bit/s. */
const METRIC_SCALE: Partial<Record<Metric, number>> = { inBps: 8, outBps: 8 };

/** A plotted value with its unit, for ticks and the legend: "12.3 Mbit/s", "1.2k conn/s", "45". */
export function formatMetric(metric: Metric, v: number): string {
  const n = formatSi(v);
  if (n === "-" || metric === "activeConns") return n;
  const unit = METRIC_UNITS[metric];
  // an SI prefix joins the unit: "12.3 Mbit/s", like formatBitRate
  const prefix = /[kMGTPE]$/.test(n) ? n.slice(-1) : "";
  return unit === "bit/s" ? `${prefix ? n.slice(0, -1) : n} ${prefix}${unit}` : `${n} ${unit}`;
}

const COLUMNS = ["cps", "inPps", "outPps", "inBps", "outBps", "activeConns", "inactiveConns"] as const;

/** The chart buffer: shared time axis (seconds), the total and each real server. */
export interface SeriesBuffer {
  step: number;
  time: number[];
  total: SeriesColumns;
  destinations: Record<string, SeriesColumns>;
}

const emptyColumns = (n: number): SeriesColumns =>
  Object.fromEntries(COLUMNS.map((c) => [c, new Array<number | null>(n).fill(null)])) as unknown as SeriesColumns;

export function bufferFromHistory(h: History): SeriesBuffer {
  const copy = (s: SeriesColumns): SeriesColumns => Object.fromEntries(COLUMNS.map((c) => [c, [...(s[c] ?? [])]])) as unknown as SeriesColumns;
  return {
    step: h.step,
    time: [...h.time],
    total: copy(h.total),
    destinations: Object.fromEntries(Object.entries(h.destinations).map(([k, s]) => [k, copy(s)])),
  };
}

function pushPoint(cols: SeriesColumns, p: TrafficPoint | null | undefined): void {
  for (const c of COLUMNS) cols[c].push(p ? (p[c] ?? null) : null);
}

/**
 * Appends a live point when it is at least one step after the last one (so a 24 h chart with
 * 60 s rollups gains one point a minute, not sixty), then drops points older than the range.
 * A real server seen for the first time gets nulls for the earlier points. Returns a new buffer.
 */
export function appendLive(buf: SeriesBuffer, p: ServiceLiveView, rangeSeconds: number): SeriesBuffer {
  const last = buf.time[buf.time.length - 1];
  if (last !== undefined && p.time - last < buf.step) return buf;
  const n = buf.time.length;
  const next: SeriesBuffer = {
    step: buf.step,
    time: [...buf.time, p.time],
    total: Object.fromEntries(COLUMNS.map((c) => [c, [...buf.total[c]]])) as unknown as SeriesColumns,
    destinations: {},
  };
  pushPoint(next.total, p.total);
  const keys = new Set([...Object.keys(buf.destinations), ...Object.keys(p.destinations ?? {})]);
  for (const k of keys) {
    const old = buf.destinations[k] ?? emptyColumns(n);
    const cols = Object.fromEntries(COLUMNS.map((c) => [c, [...old[c]]])) as unknown as SeriesColumns;
    pushPoint(cols, p.destinations?.[k]);
    next.destinations[k] = cols;
  }
  return trim(next, p.time - rangeSeconds);
}

function trim(buf: SeriesBuffer, oldest: number): SeriesBuffer {
  let drop = 0;
  while (drop < buf.time.length && buf.time[drop]! < oldest) drop++;
  if (drop === 0) return buf;
  const cut = (s: SeriesColumns) => Object.fromEntries(COLUMNS.map((c) => [c, s[c].slice(drop)])) as unknown as SeriesColumns;
  return {
    step: buf.step,
    time: buf.time.slice(drop),
    total: cut(buf.total),
    destinations: Object.fromEntries(Object.entries(buf.destinations).map(([k, s]) => [k, cut(s)])),
  };
}

/** uPlot's AlignedData for one metric: [time, total, ...real servers in `keys` order]. */
export function alignedFor(buf: SeriesBuffer, metric: Metric, keys: readonly string[]): (number | null)[][] {
  const scale = METRIC_SCALE[metric];
  const col = (c: (number | null)[]) => (scale ? c.map((v) => (v === null ? null : v * scale)) : c);
  return [buf.time, col(buf.total[metric]), ...keys.map((k) => col(buf.destinations[k]?.[metric] ?? new Array(buf.time.length).fill(null)))];
}
