"use client";
// DR readiness by realserver agent: GET /api/readiness/fleet answers, in one request, every
// online director's direct-routing real servers that a realserver agent answers for, grouped
// by that agent and failures first (the server asks each agent once per VIP). The fleet page
// and an agent's page share the one SWR key.
import useSWR from "swr";
import type { AgentVipReadiness, FleetReadinessView } from "@/protocol/dashboard/fleet-readiness.ts";
import { api } from "../lib/api-client.ts";

export type { AgentVipReadiness };
export type FleetReadiness = FleetReadinessView;

/** `directors`: ids of the online directors (role "director"); null = not known yet. The server
 * reads the online directors itself: the ids only key the answer, so that a director coming
 * online or going away asks again. */
export function useFleetReadiness(directors: readonly string[] | null) {
  const key = directors ? ["fleet-readiness", ...[...directors].sort()] : null;
  return useSWR<FleetReadiness>(key, () => api.readiness.fleet(), { revalidateOnFocus: false, refreshInterval: 60_000 });
}

/** One line for a fleet row: "ready (1 VIP)", "not ready: 172.16.0.200 on dir1", … */
export function readinessSummary(list: readonly AgentVipReadiness[] | undefined): { tone: "ok" | "bad" | "none"; text: string } {
  if (!list || list.length === 0) return { tone: "none", text: "no DR service uses it" };
  const bad = list.filter((r) => r.entry.status !== "ready");
  if (bad.length === 0) return { tone: "ok", text: `ready (${list.length} ${list.length === 1 ? "VIP" : "VIPs"})` };
  const where = bad.map((r) => `${r.vip ?? r.service} on ${r.director}`).join(", ");
  return { tone: "bad", text: `${bad.every((r) => r.entry.status === "error") ? "check failed" : "not ready"}: ${where}` };
}
