"use client";
// DR readiness of one service's real servers (GET /api/readiness?director=&service=): each
// DR real server with the report of the realserver agent answering for its address.
import useSWR from "swr";
import type { ReadinessView } from "../../protocol/dashboard.ts";
import { getJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";

export function useReadiness(director: string, service: string | null) {
  return useSWR<ReadinessView>(service ? api.readiness(director, service) : null, getJson, { revalidateOnFocus: false });
}
