"use client";
// One director's services and real servers: GET /api/directors/:id/services for the first
// render, then topic "director:<id>" live.
import { useApi } from "./use-api.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function useDirector(id: string) {
  const rest = useApi("GET /api/directors/:id/services", { params: { id } });
  const live = useLiveTopic(topics.director(id));
  const view = live.data ?? rest.data;
  return {
    view,
    error: view ? null : (rest.error ?? live.error),
    liveError: live.error,
    isLoading: view === undefined && !rest.error && !live.error,
    live: live.ready,
    mutate: rest.mutate,
  };
}
