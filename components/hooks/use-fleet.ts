"use client";
// The fleet: every registered director. SWR fetches the list once (so the page renders before
// the socket is up), then the live topic "fleet" replaces it every second.
import useSWR from "swr";
import type { DirectorView, } from "@/protocol/dashboard/index.ts";
import { getJson, listOf } from "../lib/api.ts";
import { api } from "../lib/paths.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function fleetFromRest(body: unknown): Record<string, DirectorView> {
  if (body && typeof body === "object" && !Array.isArray(body) && "directors" in body) {
    const d = (body as { directors: unknown }).directors;
    if (d && typeof d === "object" && !Array.isArray(d)) return d as Record<string, DirectorView>;
  }
  return Object.fromEntries(listOf<DirectorView>(body, "directors").map((d) => [d.id, d]));
}

export function useFleet() {
  const rest = useSWR(api.directors(), getJson<unknown>);
  const live = useLiveTopic(topics.fleet());
  const directors = live.data?.directors ?? (rest.data === undefined ? undefined : fleetFromRest(rest.data));
  return {
    directors,
    error: directors ? null : (rest.error ?? live.error),
    isLoading: directors === undefined && !rest.error,
    live: live.ready,
    mutate: rest.mutate,
  };
}
