"use client";
// The header's link to the Prometheus the server reads long chart ranges from (--prometheus):
// the agents' full series and ad-hoc queries are there. Nothing without the flag, and nothing
// asked before sign-in (a 401 would send the sign-in page to the sign-in page).
import useSWR from "swr";
import type { HistorySourceView } from "@/protocol/dashboard/index.ts";
import { useCan } from "../auth/session.tsx";
import { getJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";

export function PrometheusLink() {
  const signedIn = useCan("viewer");
  const { data } = useSWR<HistorySourceView>(signedIn ? api.historySource() : null, getJson, { revalidateOnFocus: false });
  if (!data?.prometheusUrl) return null;
  return (
    <a href={data.prometheusUrl} target="_blank" rel="noreferrer" className="text-sm hover:underline">
      Prometheus ↗
    </a>
  );
}
