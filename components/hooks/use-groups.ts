"use client";
// The HA groups: GET /api/groups for the first render, then the live topic "groups" (members'
// VRRP roles, VIP owners, drift) replaces it.
import useSWR from "swr";
import type { GroupsView, GroupView } from "@/protocol/dashboard/index.ts";
import { getJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function useGroups() {
  const rest = useSWR<GroupsView>(api.groups(), getJson);
  const live = useLiveTopic(topics.groups());
  const groups: Record<string, GroupView> | undefined = live.data?.groups ?? rest.data?.groups;
  return {
    groups,
    error: groups ? null : (rest.error ?? live.error),
    isLoading: groups === undefined && !rest.error,
    live: live.ready,
  };
}
