"use client";
// Live charts of one service: conn/s, packets and traffic (bit/s) in/out, active connections, for the
// total and each real server. The chosen range's history comes from GET history (SQLite, or
// Prometheus for ranges beyond it when the server has --prometheus: the reply says which, and
// why Prometheus failed when it did); live points from topic "service:<id>:<key>" are
// appended as they arrive.
import { useEffect, useMemo, useState } from "react";
import { type HistoryRange, parseServiceKeyString, } from "@/protocol/dashboard/index.ts";
import { vsLabel } from "@/protocol/metrics-labels.ts";
import { useHistory } from "../hooks/use-history.ts";
import { useClock } from "../hooks/use-clock.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import {
  alignedFor,
  appendLive,
  bufferFromHistory,
  formatMetric,
  METRIC_TITLES,
  METRIC_UNITS,
  METRICS,
  type Metric,
  prometheusGraphUrl,
  RANGE_SECONDS,
  rangesOffered,
  type SeriesBuffer,
} from "./series.ts";
import { PALETTE, UPlotChart } from "./uplot-chart.tsx";

const FORMATTERS = Object.fromEntries(METRICS.map((m) => [m, (v: number) => formatMetric(m, v)])) as Record<Metric, (v: number) => string>;

export function ServiceCharts({ director, service }: { director: string; service: string }) {
  const [range, setRange] = useState<HistoryRange>("15m");
  const history = useHistory(director, service, range);
  const clock = useClock();
  const live = useLiveTopic(topics.service(director, service));
  const [buf, setBuf] = useState<SeriesBuffer | null>(null);

  useEffect(() => {
    setBuf(history.data ? bufferFromHistory(history.data) : null);
  }, [history.data]);

  useEffect(() => {
    const p = live.data;
    if (p && typeof p.time === "number") setBuf((b) => (b ? appendLive(b, p, RANGE_SECONDS[range]) : b));
  }, [live.data, range]);

  // remembered across range changes: a reply without it (Prometheus gone) hides 30d again
  const [promUrl, setPromUrl] = useState<string | null>(null);
  useEffect(() => {
    if (history.data) setPromUrl(history.data.prometheusUrl ?? null);
  }, [history.data]);
  const source = history.data?.source ?? "sqlite";
  const vs = useMemo(() => {
    const k = parseServiceKeyString(service);
    return k ? vsLabel(k) : null;
  }, [service]);

  const keys = useMemo(() => (buf ? Object.keys(buf.destinations).sort() : []), [buf]);
  const series = useMemo(
    () => [{ label: "total", color: "#71717a", width: 2.5 }, ...keys.map((k, i) => ({ label: k, color: PALETTE[i % PALETTE.length]! }))],
    [keys],
  );

  return (
    <section aria-labelledby="charts-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="charts-title" className="text-lg font-semibold">
          Traffic
        </h2>
        <fieldset className="flex gap-1">
          <legend className="sr-only">Range</legend>
          {rangesOffered(promUrl !== null).map((r) => (
            <button
              key={r}
              type="button"
              aria-pressed={range === r}
              onClick={() => setRange(r)}
              className={`rounded px-2 py-0.5 text-xs ${range === r ? "bg-sky-600 text-white" : "border border-zinc-300 dark:border-zinc-700"}`}
            >
              {r}
            </button>
          ))}
        </fieldset>
        {history.data && (
          <span data-testid="chart-source" data-source={source} className="text-xs text-zinc-500">
            {source === "prometheus" ? `from Prometheus (${history.data.step} s steps)` : "from the dashboard's store"}
          </span>
        )}
        {promUrl && (
          <a
            className="text-xs text-sky-700 underline dark:text-sky-400"
            href={prometheusGraphUrl(promUrl, `rate(lvs_real_server_connections_total{director_id="${director}"${vs ? `,vs="${vs}"` : ""}}[5m])`, RANGE_SECONDS[range])}
            target="_blank"
            rel="noreferrer"
          >
            Prometheus ↗
          </a>
        )}
        <span data-testid="chart-time-zone" className="text-xs text-zinc-500">
          times in {clock.label}
        </span>
        {!live.ready && <span className="text-xs text-zinc-500">waiting for live data…</span>}
      </div>
      {history.error ? <ErrorMessage error={history.error} /> : null}
      {history.data?.sourceError && (
        <p role="alert" data-testid="chart-source-error" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          The {range} range comes from Prometheus, which failed: {history.data.sourceError}. Showing what the dashboard's own store
          holds instead.
        </p>
      )}
      {!buf && !history.error && <p className="text-sm text-zinc-500">Loading history…</p>}
      {buf && buf.time.length === 0 && (
        <p className="text-sm text-zinc-500">No stored history for this range yet; live points appear {range === "15m" ? "every second" : "every minute"}.</p>
      )}
      {buf && (
        <div className="grid gap-4 lg:grid-cols-2">
          {METRICS.map((m) => (
            <UPlotChart key={m} title={METRIC_TITLES[m]} series={series} data={alignedFor(buf, m, keys)} format={FORMATTERS[m]} unit={METRIC_UNITS[m]} />
          ))}
        </div>
      )}
    </section>
  );
}
