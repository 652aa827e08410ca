"use client";
// DR readiness of one service's real servers (GET /api/readiness?director=&service=).
import useSWR from "swr";
import type { DrReadinessReport } from "../../protocol/realserver.ts";
import { getJson, listOf } from "../lib/api.ts";
import { api } from "../lib/paths.ts";

/** One real server's check: the report from the realserver agent answering for its address,
 * or why there is none (no agent registered for it, agent offline, ...). */
export interface RealServerReadiness {
  destination: string;
  agent: string | null;
  report: DrReadinessReport | null;
  error: string | null;
}

export function useReadiness(director: string, service: string | null) {
  const res = useSWR(service ? api.readiness(director, service) : null, getJson<unknown>, { revalidateOnFocus: false });
  const results = res.data === undefined ? undefined : listOf<RealServerReadiness>(res.data, "results");
  return { results, error: res.error, isLoading: res.isLoading, mutate: res.mutate };
}
