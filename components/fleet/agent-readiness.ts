"use client";
// DR readiness by realserver agent: the server checks readiness per (director, DR service)
// and names the agent answering for each real server, so the fleet page and an agent's page
// ask every director's direct-routing services once (one SWR key, shared) and group the
// answers by agent. A director that cannot be read is named in `errors`, not hidden.
import useSWR from "swr";
import type { DirectorDetailView, ReadinessEntry, ReadinessView } from "../../protocol/dashboard.ts";
import { getJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";

export interface AgentVipReadiness {
  director: string;
  service: string;
  vip: string | null;
  entry: ReadinessEntry;
}

export interface FleetReadiness {
  byAgent: Record<string, AgentVipReadiness[]>;
  errors: string[];
}

async function loadFleetReadiness(directors: readonly string[]): Promise<FleetReadiness> {
  const byAgent: Record<string, AgentVipReadiness[]> = {};
  const errors: string[] = [];
  await Promise.all(
    directors.map(async (director) => {
      try {
        const view = await getJson<DirectorDetailView>(api.services(director));
        const dr = Object.values(view.services ?? {}).filter((s) => Object.values(s.destinations ?? {}).some((d) => d.config.forwarding === "route"));
        for (const s of dr) {
          const r = await getJson<ReadinessView>(api.readiness(director, s.key));
          for (const entry of r.realServers) {
            if (!entry.agent) continue;
            const list = byAgent[entry.agent] ?? [];
            list.push({ director, service: s.key, vip: r.vip, entry });
            byAgent[entry.agent] = list;
          }
        }
      } catch (err) {
        errors.push(`${director}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  for (const list of Object.values(byAgent)) list.sort((a, b) => rank(a) - rank(b) || a.director.localeCompare(b.director) || a.service.localeCompare(b.service));
  return { byAgent, errors: errors.sort() };
}

/** Failures first: not ready, then check errors, then ready. */
function rank(r: AgentVipReadiness): number {
  return r.entry.status === "not_ready" ? 0 : r.entry.status === "error" ? 1 : 2;
}

/** `directors`: ids of the online directors (role "director") to ask; null = not known yet. */
export function useFleetReadiness(directors: readonly string[] | null) {
  const key = directors ? ["fleet-readiness", ...[...directors].sort()] : null;
  return useSWR<FleetReadiness>(key, ([, ...ids]: string[]) => loadFleetReadiness(ids), { revalidateOnFocus: false, refreshInterval: 60_000 });
}

/** One line for a fleet row: "ready (1 VIP)", "not ready: 172.16.0.200 on dir1", … */
export function readinessSummary(list: readonly AgentVipReadiness[] | undefined): { tone: "ok" | "bad" | "none"; text: string } {
  if (!list || list.length === 0) return { tone: "none", text: "no DR service uses it" };
  const bad = list.filter((r) => r.entry.status !== "ready");
  if (bad.length === 0) return { tone: "ok", text: `ready (${list.length} ${list.length === 1 ? "VIP" : "VIPs"})` };
  const where = bad.map((r) => `${r.vip ?? r.service} on ${r.director}`).join(", ");
  return { tone: "bad", text: `${bad.every((r) => r.entry.status === "error") ? "check failed" : "not ready"}: ${where}` };
}
