// Dashboard charts of a service: the stored history (REST, per range) and the live point per
// second (topic "service:<id>:<key>") that extends it.
import { TrafficPoint } from "./dashboard-views.ts";
import { z } from "zod";

export const HistoryRange = z.enum(["15m", "1h", "24h", "7d"]);
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
  /** seconds between points: 1 for 15m, 60 for the rollups */
  step: z.number(),
  time: z.array(z.number()),
  total: SeriesColumns,
  destinations: z.record(z.string(), SeriesColumns),
});
export type History = z.infer<typeof History>;

/** Topic "service:<id>:<key>": one service's live point per second for its charts. */
export const ServiceLiveView = z.object({
  time: z.number(),
  total: TrafficPoint,
  destinations: z.record(z.string(), TrafficPoint),
});
export type ServiceLiveView = z.infer<typeof ServiceLiveView>;
