"use client";
// One director's services and real servers: GET /api/directors/:id/services for the first
// render, then topic "director:<id>" live.
import useSWR from "swr";
import type { DirectorDetailView } from "@/protocol/dashboard/index.ts";
import { getJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function useDirector(id: string) {
  const rest = useSWR<DirectorDetailView>(api.services(id), getJson);
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
