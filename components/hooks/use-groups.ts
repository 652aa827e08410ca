"use client";
// The HA groups: GET /api/groups for the first render, then the live topic "groups" (members'
// VRRP roles, VIP owners, drift) replaces it.
import type { GroupView } from "@/protocol/dashboard/index.ts";
import { useApi } from "./use-api.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function useGroups() {
  const rest = useApi("GET /api/groups", {});
  const live = useLiveTopic(topics.groups());
  const groups: Record<string, GroupView> | undefined = live.data?.groups ?? rest.data?.groups;
  return {
    groups,
    error: groups ? null : (rest.error ?? live.error),
    isLoading: groups === undefined && !rest.error,
    live: live.ready,
  };
}
