// Where a chart's range comes from. SQLite (server/history/store.ts) keeps 1 s samples for
// 15 minutes and 1 min rollups for 7 days, from the moment this server first saw the
// director. With --prometheus, a range of 24h or more that starts before the oldest minute
// SQLite holds for the series (a young server, a director added last week) and every 30d
// range come from Prometheus's query_range over the agents' own series (docs/metrics.md);
// the shorter ranges stay SQLite's (per-second, live). When Prometheus fails the chart gets
// SQLite's points and the failure (History.sourceError), never a silent empty chart. Every
// answer is cut to at most 1 000 points per series (downsample.ts: bucket averages).
import type { History, HistoryRange, SeriesColumns } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";
import { vsLabel } from "@/protocol/metrics-labels.ts";
import { downsample } from "./downsample.ts";
import { type MatrixSeries, type PrometheusClient, PrometheusError, sampleValue } from "./prometheus.ts";
import { emptyColumns } from "./series.ts";
import type { HistoryStore } from "./store.ts";

const RANGE_SECONDS: Record<HistoryRange, number> = { "15m": 900, "1h": 3600, "24h": 86400, "7d": 604800, "30d": 2592000 };
/** Prometheus's step per range: 720, 672 and 720 points */
const PROM_STEP: Partial<Record<HistoryRange, number>> = { "24h": 120, "7d": 900, "30d": 3600 };

type Column = keyof SeriesColumns;
const COUNTERS: [Column, string][] = [
  ["cps", "connections"],
  ["inPps", "incoming_packets"],
  ["outPps", "outgoing_packets"],
  ["inBps", "incoming_bytes"],
  ["outBps", "outgoing_bytes"],
];
const CONNS: [Column, string][] = [
  ["activeConns", "node_ipvs_backend_connections_active"],
  ["inactiveConns", "node_ipvs_backend_connections_inactive"],
];
/** node_exporter's six backend labels plus the director: how a backend gauge meets lvs_real_server_info */
const JOIN = "on(director_id, local_address, local_port, local_mark, proto, remote_address, remote_port)";

/** A PromQL string literal (Go's escapes are JSON's for these characters). */
const lit = (s: string) => JSON.stringify(s);

interface Query {
  column: Column;
  /** true: one series per rs label (the real servers); false: one series, the total */
  perRs: boolean;
  promql: string;
}

/** The queries of one chart: a service's total and real servers, or a director's total. */
export function chartQueries(directorId: string, service: ServiceKey | null, windowS: number): Query[] {
  const d = `director_id=${lit(directorId)}`;
  const w = `[${windowS}s]`;
  if (!service) {
    // node_exporter's namespace totals, like the dashboard's director total
    return [
      ...COUNTERS.map(([column, c]): Query => ({ column, perRs: false, promql: `sum(rate(node_ipvs_${c}_total{${d}}${w}))` })),
      ...CONNS.map(([column, m]): Query => ({ column, perRs: false, promql: `sum(avg_over_time(${m}{${d}}${w}))` })),
    ];
  }
  const sel = `${d},vs=${lit(vsLabel(service))}`;
  const conns = (m: string) => `avg_over_time(${m}{${d}}${w}) * ${JOIN} group_left(rs) lvs_real_server_info{${sel}}`;
  return [
    ...COUNTERS.map(([column, c]): Query => ({ column, perRs: false, promql: `sum(rate(lvs_service_${c}_total{${sel}}${w}))` })),
    ...COUNTERS.map(([column, c]): Query => ({ column, perRs: true, promql: `sum by (rs) (rate(lvs_real_server_${c}_total{${sel}}${w}))` })),
    ...CONNS.map(([column, m]): Query => ({ column, perRs: false, promql: `sum(${conns(m)})` })),
    ...CONNS.map(([column, m]): Query => ({ column, perRs: true, promql: `sum by (rs) (${conns(m)})` })),
  ];
}

export interface RangeRequest {
  directorId: string;
  /** null: the director's total */
  service: ServiceKey | null;
  /** serviceKeyString, '' for the director's total (the store's key) */
  serviceString: string;
  range: HistoryRange;
  /** rs label -> the dashboard's destination key, for the director's current real servers */
  destinationOf: (rs: string) => string;
  nowMs?: number;
}

export class HistorySource {
  readonly #store: HistoryStore;
  readonly #prom: PrometheusClient | null;

  constructor(store: HistoryStore, prometheus: PrometheusClient | null) {
    this.#store = store;
    this.#prom = prometheus;
  }

  get prometheusUrl(): string | null {
    return this.#prom?.url ?? null;
  }

  /** true when this range of this series is Prometheus's to answer */
  usesPrometheus(req: RangeRequest): boolean {
    const step = PROM_STEP[req.range];
    if (!this.#prom || step === undefined) return false;
    if (req.range === "30d") return true;
    const start = (req.nowMs ?? Date.now()) / 1000 - RANGE_SECONDS[req.range];
    const first = this.#store.firstSecond(req.directorId, req.serviceString);
    return first === null || first > start + step;
  }

  /** The range's points, at most MAX_POINTS per series (server/history/downsample.ts). */
  async query(req: RangeRequest): Promise<History> {
    return downsample(await this.#query(req));
  }

  async #query(req: RangeRequest): Promise<History> {
    const nowMs = req.nowMs ?? Date.now();
    const url = this.#prom ? { prometheusUrl: this.#prom.url } : {};
    if (req.range === "30d" && !this.#prom) {
      throw new ProtocolError("bad_request", "the 30d range needs Prometheus: start the server with --prometheus URL");
    }
    if (this.usesPrometheus(req)) {
      try {
        return { ...(await this.#fromPrometheus(req, nowMs)), source: "prometheus", ...url };
      } catch (err) {
        if (!(err instanceof PrometheusError)) throw err;
        const h = this.#store.query(req.directorId, req.serviceString, req.range, nowMs);
        return { ...h, source: "sqlite", ...url, sourceError: err.message };
      }
    }
    return { ...this.#store.query(req.directorId, req.serviceString, req.range, nowMs), source: "sqlite", ...url };
  }

  async #fromPrometheus(req: RangeRequest, nowMs: number): Promise<Omit<History, "source">> {
    const prom = this.#prom!;
    const step = PROM_STEP[req.range]!;
    const n = RANGE_SECONDS[req.range] / step;
    const end = Math.floor(nowMs / 1000 / step) * step;
    const start = end - (n - 1) * step;
    const time = Array.from({ length: n }, (_, i) => start + i * step);
    // rate() needs two samples in its window: at least a minute (4 scrapes at 15 s)
    const queries = chartQueries(req.directorId, req.service, Math.max(step, 60));
    const signal = prom.deadline();
    const replies = await Promise.all(queries.map((q) => prom.queryRange(q.promql, start, end, step, signal)));
    const total = emptyColumns(n);
    const destinations: Record<string, SeriesColumns> = {};
    queries.forEach((q, qi) => {
      for (const series of replies[qi]!) {
        let cols = total;
        if (q.perRs) {
          const rs = series.metric.rs;
          if (rs === undefined) throw new PrometheusError(`Prometheus at ${prom.url} answered a real server series without its rs label`);
          const key = req.destinationOf(rs);
          cols = destinations[key] ??= emptyColumns(n);
        }
        fill(cols[q.column], series, start, step, n);
      }
    });
    return { range: req.range, step, time, total, destinations };
  }
}

/** The series' samples at their slots of the time axis; off-grid or out-of-range samples are dropped. */
function fill(col: (number | null)[], series: MatrixSeries, start: number, step: number, n: number): void {
  for (const [t, v] of series.values) {
    const i = Math.round((t - start) / step);
    if (i < 0 || i >= n || Math.abs(t - (start + i * step)) > 0.001) continue;
    // 3 decimals, as the store's points
    const x = sampleValue(v);
    col[i] = x === null ? null : Math.round(x * 1000) / 1000;
  }
}
