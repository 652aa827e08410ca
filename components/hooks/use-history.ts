"use client";
// A service's stored history for the chosen range (uPlot columns); live points are appended
// by the chart from topic "service:<id>:<key>".
import useSWR from "swr";
import type { History, HistoryRange } from "@/protocol/dashboard/index.ts";
import { getJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";

export function useHistory(director: string, service: string, range: HistoryRange) {
  return useSWR<History>(api.history(director, service, range), getJson, { revalidateOnFocus: false });
}
