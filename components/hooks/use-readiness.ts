"use client";
// DR readiness of one service's real servers (GET /api/readiness?director=&service=): each
// DR real server with the report of the realserver agent answering for its address.
// useDirectorReadiness asks for every DR service of a director at once (one SWR key), so the
// sysctls page can summarise them and put the failures first; a service whose check cannot be
// read keeps its error next to the others' answers.
import useSWR from "swr";
import type { ReadinessView } from "@/protocol/dashboard/index.ts";
import { call } from "../lib/api-client.ts";
import { useApi } from "./use-api.ts";

export function useReadiness(director: string, service: string | null) {
  return useApi("GET /api/readiness", service ? { query: { director, service } } : null, { revalidateOnFocus: false });
}

export type ServiceReadinessAnswer = { service: string; view: ReadinessView; error: null } | { service: string; view: null; error: unknown };

async function loadAll(director: string, services: readonly string[]): Promise<ServiceReadinessAnswer[]> {
  const settled = await Promise.allSettled(services.map((s) => call("GET /api/readiness", { query: { director, service: s } })));
  return settled.map((r, i) => (r.status === "fulfilled" ? { service: services[i]!, view: r.value, error: null } : { service: services[i]!, view: null, error: r.reason }));
}

/** `services`: the director's DR service keys; null = not known yet. */
export function useDirectorReadiness(director: string, services: readonly string[] | null) {
  const key = services && services.length > 0 ? ["director-readiness", director, ...services] : null;
  return useSWR<ServiceReadinessAnswer[]>(key, ([, id, ...keys]: string[]) => loadAll(id!, keys), { revalidateOnFocus: false });
}
