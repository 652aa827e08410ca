"use client";
// Drain jobs: GET /api/drains once, then topic "drains" live (countdowns, ETA, status).
import useSWR from "swr";
import type { DrainJob } from "../../protocol/dashboard.ts";
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

export function useDrains() {
  const rest = useSWR(api.drains(), getJson<unknown>);
  const live = useLiveTopic<{ jobs: Record<string, DrainJob> }>("drains");
  const jobs = live.data?.jobs ?? (rest.data === undefined ? undefined : drainsFromRest(rest.data));
  return { jobs: jobs ?? {}, loaded: jobs !== undefined, error: rest.error ?? live.error, mutate: rest.mutate };
}
