"use client";
// 404 pages for URLs under a director that name nothing: a service the director does not have
// (or a malformed service key), and the pages a realserver agent has no data for (services,
// connections: it has no IPVS table). A missing service is decided on a fresh REST read that
// the live view agrees with, so a service created a moment ago is not taken for unknown.
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { parseServiceKeyString } from "@/protocol/dashboard/index.ts";
import { useApi } from "../hooks/use-api.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";
import { useIsRealServerAgent } from "./director-gate.tsx";

/** Pages only a director (not a realserver agent) has. */
export function DirectorOnlyGate({ id, children }: { id: string; children: ReactNode }) {
  if (useIsRealServerAgent(id)) notFound();
  return children;
}

export function ServiceGate({ director, service, children }: { director: string; service: string; children: ReactNode }) {
  const rs = useIsRealServerAgent(director);
  const rest = useApi("GET /api/directors/:id/services", rs ? null : { params: { id: director } });
  const live = useLiveTopic(topics.director(director));
  if (rs || !parseServiceKeyString(service)) notFound();
  const restLacks = rest.data !== undefined && !rest.isValidating && !rest.data.services?.[service];
  const liveLacks = live.data === undefined || !live.data.services?.[service];
  if (restLacks && liveLacks) notFound();
  return children;
}
