"use client";
// A director's LVS sysctls with their documentation (GET /api/directors/:id/sysctls).
import useSWR from "swr";
import type { SysctlValues } from "@/protocol/agent/host.ts";
import { getJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";

export function useSysctls(director: string) {
  return useSWR<SysctlValues>(api.sysctls(director), getJson, { revalidateOnFocus: false });
}
