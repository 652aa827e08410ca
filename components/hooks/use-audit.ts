"use client";
// The audit log, newest first, filtered by director and action on the server.
import useSWR from "swr";
import type { AuditEntry } from "../../protocol/dashboard.ts";
import { getJson, listOf } from "../lib/api.ts";
import { api } from "../lib/paths.ts";

export function useAudit(filter: { director?: string; action?: string; limit?: number; before?: number }) {
  const res = useSWR(api.audit(filter), getJson<unknown>, { refreshInterval: 5000 });
  const entries = res.data === undefined ? undefined : listOf<AuditEntry>(res.data, "entries");
  return { entries, error: res.error, isLoading: res.isLoading, mutate: res.mutate };
}
