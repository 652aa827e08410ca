"use client";
// A director's health checks: GET /api/directors/:id/health for the first render, then topic
// "health:<id>" live (each real server's state, last result, transitions); the agent's
// configuration (GET .../health/config) for the editors; and a service's check latencies, which
// only the topic "health:<id>:<serviceKey>" carries (the server keeps the last 5 minutes).
import { useApi } from "./use-api.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function useHealth(director: string) {
  const rest = useApi("GET /api/directors/:id/health", { params: { id: director } });
  const live = useLiveTopic(topics.health(director));
  const view = live.data ?? rest.data;
  return {
    view,
    error: view ? null : (rest.error ?? live.error),
    isLoading: view === undefined && !rest.error && !live.error,
    live: live.ready,
    mutate: rest.mutate,
  };
}

/** `enabled` false = nothing fetched (an editor that is closed). */
export function useHealthConfig(director: string, enabled = true) {
  return useApi("GET /api/directors/:id/health/config", enabled ? { params: { id: director } } : null, { revalidateOnFocus: false });
}

export function useHealthLatency(director: string, service: string) {
  return useLiveTopic(topics.healthLatency(director, service));
}
