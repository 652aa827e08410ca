"use client";
// The audit log, newest first, filtered on the server (director, action or action family,
// user, text search, time range, outcome) and paged by id.
import type { AuditFilter } from "../lib/paths.ts";
import { useApi } from "./use-api.ts";

export function useAudit(filter: AuditFilter) {
  const res = useApi("GET /api/audit", { query: filter }, { refreshInterval: 5000 });
  return { entries: res.data, error: res.error, isLoading: res.isLoading, mutate: res.mutate };
}
