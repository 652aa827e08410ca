"use client";
// Live charts of one service: CPS, packets and bytes in/out, active connections, for the
// total and each real server. The chosen range's history comes from GET history; live points
// from topic "service:<id>:<key>" are appended as they arrive.
import { useEffect, useMemo, useState } from "react";
import type { HistoryRange, ServiceLiveView } from "../../protocol/dashboard.ts";
import { useHistory } from "../hooks/use-history.ts";
import { formatBytes, formatSi } from "../lib/format.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { alignedFor, appendLive, bufferFromHistory, METRIC_TITLES, METRICS, type Metric, RANGE_SECONDS, type SeriesBuffer } from "./series.ts";
import { PALETTE, UPlotChart } from "./uplot-chart.tsx";

const RANGES: HistoryRange[] = ["15m", "1h", "24h", "7d"];

const formatterOf = (m: Metric) => (m === "inBps" || m === "outBps" ? (v: number) => `${formatBytes(v)}/s` : (v: number) => formatSi(v));

export function ServiceCharts({ director, service }: { director: string; service: string }) {
  const [range, setRange] = useState<HistoryRange>("15m");
  const history = useHistory(director, service, range);
  const live = useLiveTopic<ServiceLiveView>(`service:${director}:${service}`);
  const [buf, setBuf] = useState<SeriesBuffer | null>(null);

  useEffect(() => {
    setBuf(history.data ? bufferFromHistory(history.data) : null);
  }, [history.data]);

  useEffect(() => {
    const p = live.data;
    if (p && typeof p.time === "number") setBuf((b) => (b ? appendLive(b, p, RANGE_SECONDS[range]) : b));
  }, [live.data, range]);

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
          {RANGES.map((r) => (
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
        {!live.ready && <span className="text-xs text-zinc-500">waiting for live data…</span>}
      </div>
      {history.error ? <ErrorMessage error={history.error} /> : null}
      {!buf && !history.error && <p className="text-sm text-zinc-500">Loading history…</p>}
      {buf && buf.time.length === 0 && (
        <p className="text-sm text-zinc-500">No stored history for this range yet; live points appear {range === "15m" ? "every second" : "every minute"}.</p>
      )}
      {buf && (
        <div className="grid gap-4 lg:grid-cols-2">
          {METRICS.map((m) => (
            <UPlotChart key={m} title={METRIC_TITLES[m]} series={series} data={alignedFor(buf, m, keys)} format={formatterOf(m)} axisFormat={formatSi} />
          ))}
        </div>
      )}
    </section>
  );
}
