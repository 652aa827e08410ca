// Dashboard charts of a service: the stored history (REST, per range) and the live point per
// second (topic "service:<id>:<key>") that extends it.
import { TrafficPoint } from "./views.ts";
import { z } from "zod";

/** 30d only from Prometheus (the server's --prometheus): SQLite keeps 7 days */
export const HistoryRange = z.enum(["15m", "1h", "24h", "7d", "30d"]);
export type HistoryRange = z.infer<typeof HistoryRange>;

/** Column-wise series (uPlot's layout): time in seconds, one array per metric. */
export const SeriesColumns = z.object({
  cps: z.array(z.number().nullable()),
  inPps: z.array(z.number().nullable()),
  outPps: z.array(z.number().nullable()),
  inBps: z.array(z.number().nullable()),
  outBps: z.array(z.number().nullable()),
  activeConns: z.array(z.number().nullable()),
  inactiveConns: z.array(z.number().nullable()),
});
export type SeriesColumns = z.infer<typeof SeriesColumns>;
export const History = z.object({
  range: HistoryRange,
  /** seconds between points: 1 for 15m, 60 for the rollups, Prometheus's step for its ranges */
  step: z.number(),
  time: z.array(z.number()),
  total: SeriesColumns,
  destinations: z.record(z.string(), SeriesColumns),
  /** where the points come from: the server's SQLite store, or Prometheus (query_range) for
   * a range beyond what SQLite holds when the server runs with --prometheus */
  source: z.enum(["sqlite", "prometheus"]).optional(),
  /** the server's --prometheus URL (the charts link to it and offer 30d); absent without */
  prometheusUrl: z.string().optional(),
  /** the range was meant to come from Prometheus, which failed: what failed (the points shown
   * are then SQLite's) */
  sourceError: z.string().optional(),
});
export type History = z.infer<typeof History>;

/** GET /api/history/source: the server's --prometheus URL (null without), so that the
 * dashboard's header can link to that Prometheus */
export const HistorySourceView = z.object({ prometheusUrl: z.string().nullable() });
export type HistorySourceView = z.infer<typeof HistorySourceView>;

/** Topic "service:<id>:<key>": one service's live point per second for its charts. */
export const ServiceLiveView = z.object({
  time: z.number(),
  total: TrafficPoint,
  destinations: z.record(z.string(), TrafficPoint),
});
export type ServiceLiveView = z.infer<typeof ServiceLiveView>;
