"use client";
// The fleet search (GET /api/search?q=): one request answered from the server's tables. The
// query is debounced so typing an address sends one request, not one per key.
import { useEffect, useState } from "react";
import { useApi } from "./use-api.ts";

export const SEARCH_DEBOUNCE_MS = 250;

export function useSearch(query: string) {
  const [settled, setSettled] = useState(query.trim());
  useEffect(() => {
    const t = setTimeout(() => setSettled(query.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [query]);
  const swr = useApi("GET /api/search", settled ? { query: { q: settled } } : null, { revalidateOnFocus: false, keepPreviousData: true });
  // a previous query's answer is kept while the next loads, but never shown as this one's
  const current = swr.data && swr.data.query === query.trim() ? swr.data : undefined;
  return { data: current, error: settled ? swr.error : undefined, isLoading: query.trim() !== "" && !current && !swr.error };
}
