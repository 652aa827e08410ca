"use client";
// A director's LVS sysctls with their documentation (GET /api/directors/:id/sysctls).
import { useApi } from "./use-api.ts";

export function useSysctls(director: string) {
  return useApi("GET /api/directors/:id/sysctls", { params: { id: director } }, { revalidateOnFocus: false });
}
