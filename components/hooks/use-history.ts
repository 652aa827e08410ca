"use client";
// A service's stored history for the chosen range (uPlot columns); live points are appended
// by the chart from topic "service:<id>:<key>".
import type { HistoryRange } from "@/protocol/dashboard/index.ts";
import { useApi } from "./use-api.ts";

export function useHistory(director: string, service: string, range: HistoryRange) {
  return useApi("GET /api/directors/:id/history", { params: { id: director }, query: { service, range } }, { revalidateOnFocus: false });
}
