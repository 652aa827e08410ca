// The server's /metrics page: agents and their link state, API requests and their latency,
// live sockets, drain jobs by state, audit writes, and the process's own start time.
import { Exposition, renderLabels } from "@/protocol/prometheus-text.ts";
import { DrainStatus } from "@/protocol/dashboard/drains.ts";
import { LinkState } from "@/protocol/dashboard/views.ts";
import type { Dashboard } from "../dashboard.ts";
import { EVICTING, REFUSING } from "../limits.ts";
import type { AuditCounter } from "./audit-counter.ts";
import type { HttpMetrics } from "./http-metrics.ts";

const STARTED = Date.now();

export function renderServerMetrics(app: Dashboard, http: HttpMetrics, audit: AuditCounter): string {
  const out = new Exposition();
  const links = app.fleet.links();
  const names = new Map(app.fleet.store.list().map((d) => [d.id, d.registration]));
  const state = "lvs_fleet_agent_link_state";
  out.family(state, "gauge", "1 for the link's current state (connecting, online, offline, unauthorized, untrusted), 0 for the others.");
  for (const l of links) {
    const r = names.get(l.id);
    for (const s of LinkState.options) {
      out.sample(state, renderLabels([["director", r?.name ?? l.id], ["director_id", l.id], ["group", r?.group ?? ""], ["state", s]]), l.link === s ? 1 : 0);
    }
  }
  const since = "lvs_fleet_agent_link_state_since_seconds";
  out.family(since, "gauge", "When the link entered its current state, seconds since the epoch.");
  for (const l of links) out.sample(since, renderLabels([["director", names.get(l.id)?.name ?? l.id], ["director_id", l.id]]), l.since / 1000);
  const agents = "lvs_fleet_agents";
  out.family(agents, "gauge", "Registered agents by link state.");
  for (const s of LinkState.options) out.sample(agents, renderLabels([["state", s]]), links.filter((l) => l.link === s).length);

  http.write(out);
  out.family("lvs_fleet_live_sockets", "gauge", "Browser WebSockets open on /api/live.");
  out.sample("lvs_fleet_live_sockets", "", app.hub.socketCount);

  const jobs = Object.values(app.drains.view().jobs);
  const drains = "lvs_fleet_drain_jobs";
  out.family(drains, "gauge", "Drain jobs on record by state.");
  for (const s of DrainStatus.options) out.sample(drains, renderLabels([["state", s]]), jobs.filter((j) => j.status === s).length);
  const oldest = "lvs_fleet_drain_oldest_draining_seconds";
  out.family(oldest, "gauge", "Age of the oldest drain job still draining (0 when none): a drain stuck on long-lived connections shows here.");
  const draining = jobs.filter((j) => j.status === "draining").map((j) => j.startedAt);
  out.sample(oldest, "", draining.length ? (Date.now() - Math.min(...draining)) / 1000 : 0);

  audit.write(out);
  const evictions = "lvs_fleet_limit_evictions_total";
  out.family(evictions, "counter", "Entries a bounded in-memory collection let go, oldest first, because it reached its limit (docs/server.md, Limits).");
  for (const c of EVICTING) out.sample(evictions, renderLabels([["collection", c]]), app.limits.evictions.get(c) ?? 0);
  const refusals = "lvs_fleet_limit_refusals_total";
  out.family(refusals, "counter", "Additions a bounded collection refused because it was full (live sockets of one session or user).");
  for (const c of REFUSING) out.sample(refusals, renderLabels([["collection", c]]), app.limits.refusals.get(c) ?? 0);
  out.family("lvs_fleet_start_time_seconds", "gauge", "When the server process started, seconds since the epoch.");
  out.sample("lvs_fleet_start_time_seconds", "", STARTED / 1000);
  return out.text();
}
