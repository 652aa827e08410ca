"use client";
// The audit log, newest first, filtered on the server (director, action or action family,
// user, text search, time range, outcome) and paged by id.
import useSWR from "swr";
import type { AuditEntry } from "@/protocol/dashboard/index.ts";
import { getJson, listOf } from "../lib/api.ts";
import { type AuditFilter, api } from "../lib/paths.ts";

export function useAudit(filter: AuditFilter) {
  const res = useSWR(api.audit(filter), getJson<unknown>, { refreshInterval: 5000 });
  const entries = res.data === undefined ? undefined : listOf<AuditEntry>(res.data, "entries");
  return { entries, error: res.error, isLoading: res.isLoading, mutate: res.mutate };
}
