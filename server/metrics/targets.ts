// GET /api/prometheus/targets: the registered agents in Prometheus's http_sd format
// ([{targets: ["host:port"], labels: {...}}]), one group per agent so each carries its own
// labels. The scheme (ws -> http, wss -> https) is a label Prometheus's relabelling turns into
// __scheme__ (deploy/prometheus/prometheus.yml).
import type { DirectorRegistration } from "@/protocol/dashboard/index.ts";

export interface HttpSdGroup {
  targets: string[];
  labels: Record<string, string>;
}

export interface TargetFilter {
  group?: string | null;
  role?: string | null;
}

export function httpSdTargets(directors: readonly { id: string; registration: DirectorRegistration }[], filter: TargetFilter = {}): HttpSdGroup[] {
  const out: HttpSdGroup[] = [];
  for (const { id, registration: r } of directors) {
    if (filter.group != null && r.group !== filter.group) continue;
    if (filter.role != null && r.role !== filter.role) continue;
    const u = new URL(r.url);
    const port = u.port || (u.protocol === "wss:" ? "443" : "80");
    out.push({
      targets: [`${u.hostname}:${port}`],
      labels: {
        __scheme__: u.protocol === "wss:" ? "https" : "http",
        director: r.name,
        director_id: id,
        group: r.group,
        role: r.role,
      },
    });
  }
  return out;
}
