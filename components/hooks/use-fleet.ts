"use client";
// The fleet: every registered director. SWR fetches the list once (so the page renders before
// the socket is up), then the live topic "fleet" replaces it every second.
import { useApi } from "./use-api.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function useFleet() {
  const rest = useApi("GET /api/directors", {});
  const live = useLiveTopic(topics.fleet());
  const directors = live.data?.directors ?? rest.data?.directors;
  return {
    directors,
    error: directors ? null : (rest.error ?? live.error),
    isLoading: directors === undefined && !rest.error,
    live: live.ready,
    mutate: rest.mutate,
  };
}
