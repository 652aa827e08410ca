"use client";
// Each member's drift in detail (GET /api/groups/:group/drift: its save text and the diff).
// Fetched again whenever the live summary of the group changes what it says of a member (its
// table version, drift state or change count), so a hand-made ipvsadm change shows up without a
// reload, and a fixed one goes away.
import { useEffect, useRef } from "react";
import type { GroupView } from "@/protocol/dashboard/index.ts";
import { useApi } from "./use-api.ts";

/** What of the live summary makes the drift detail stale. */
export function driftSignature(g: Pick<GroupView, "members" | "desired"> | undefined): string {
  if (!g) return "";
  const members = Object.values(g.members ?? {})
    .map((m) => `${m.director}=${m.version}/${m.drift}/${m.changes}/${m.online}`)
    .sort();
  return [g.desired?.version ?? "", ...members].join(" ");
}

export function useGroupDrift(name: string, group: Pick<GroupView, "members" | "desired"> | undefined) {
  const res = useApi("GET /api/groups/:group/drift", group?.desired ? { params: { group: name } } : null);
  const signature = driftSignature(group);
  const { mutate } = res;
  const seen = useRef(signature);
  useEffect(() => {
    if (signature === seen.current) return;
    seen.current = signature;
    void mutate();
  }, [signature, mutate]);
  return { drift: res.data, error: res.error, isLoading: res.isLoading, mutate };
}
