"use client";
// Drain jobs: topic "drains" live (countdowns, ETA, status), merged with GET /api/drains,
// which is fetched at first, after each drain action, and every 2 s while a job is draining.
import useSWR from "swr";
import type { DrainJob } from "@/protocol/dashboard/index.ts";
import { mergeDrainJobs } from "../drain/drain-state.ts";
import { getJson, listOf } from "../lib/api.ts";
import { api } from "../lib/paths.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";

export function drainsFromRest(body: unknown): Record<string, DrainJob> {
  if (body && typeof body === "object" && !Array.isArray(body) && "jobs" in body) {
    const j = (body as { jobs: unknown }).jobs;
    if (j && typeof j === "object" && !Array.isArray(j)) return j as Record<string, DrainJob>;
  }
  return Object.fromEntries(listOf<DrainJob>(body, "jobs").map((j) => [j.id, j]));
}

const anyDraining = (body: unknown) => Object.values(drainsFromRest(body)).some((j) => j.status === "draining");

export function useDrains() {
  const rest = useSWR(api.drains(), getJson<unknown>, { refreshInterval: (body) => (anyDraining(body) ? 2000 : 0) });
  const live = useLiveTopic<{ jobs: Record<string, DrainJob> }>("drains");
  const restJobs = rest.data === undefined ? undefined : drainsFromRest(rest.data);
  const loaded = live.data !== undefined || restJobs !== undefined;
  return { jobs: mergeDrainJobs(live.data?.jobs, restJobs), loaded, error: rest.error ?? live.error, mutate: rest.mutate };
}
