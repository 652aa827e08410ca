"use client";
// One HA group with its desired table (GET /api/groups/:group). The live "groups" topic carries
// the group's summary (members, desired version) but not the table itself: when the desired
// version it shows differs from the one fetched, the detail is fetched again.
import { useEffect } from "react";
import { useApi } from "./use-api.ts";
import { useGroups } from "./use-groups.ts";

export function useGroup(name: string) {
  const rest = useApi("GET /api/groups/:group", { params: { group: name } });
  const { groups } = useGroups();
  const live = groups?.[name];
  const liveVersion = live?.desired?.version ?? null;
  const fetchedVersion = rest.data?.desired?.version ?? null;
  const { mutate } = rest;
  useEffect(() => {
    if (liveVersion !== null && fetchedVersion !== liveVersion) void mutate();
  }, [liveVersion, fetchedVersion, mutate]);
  const group = live ?? rest.data?.group;
  return {
    group,
    detail: rest.data,
    error: group ? null : rest.error,
    isLoading: rest.data === undefined && !rest.error,
    mutate,
  };
}
