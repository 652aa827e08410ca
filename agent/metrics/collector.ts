// Builds the agent's /metrics page: one listing of the table (compact rows), the namespace's
// totals from /proc/net/ip_vs_stats, the sync daemons, and the HA and health status where the
// agent has those parts. Scrapes that arrive while one is being built share it, so a burst of
// scrapers (or a slow one retrying) costs one listing, not one each.
import type { HaStatus } from "@/protocol/ha.ts";
import { servicesToRows } from "@/protocol/agent/compact.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import { type AgentInfo, type HealthStatus, writeAgentSeries, writeHealth, writeSyncDaemons, writeVrrp } from "./agent-series.ts";
import { Exposition, renderLabels } from "./exposition.ts";
import { writeIpvsSeries } from "./ipvs-series.ts";
import type { NetlinkErrorCounts } from "./netlink-errors.ts";
import { type IpvsTotals, readIpvsTotals } from "./proc-stats.ts";

export interface MetricsSources {
  /** null on a realserver agent: only the agent's own series */
  ipvs: IpvsClient | null;
  info: AgentInfo;
  errors?: NetlinkErrorCounts;
  /** default: /proc/net/ip_vs_stats of the agent's namespace */
  totals?: () => Promise<IpvsTotals | null>;
  /** agent/ha's status; absent or null: no VRRP series */
  haStatus?: () => Promise<HaStatus | null>;
  /** agent/health's status; absent or null: no health-check series */
  healthStatus?: () => Promise<HealthStatus | null>;
  now?: () => number;
}

type Part = "ipvs" | "sync_daemons" | "vrrp" | "health";

async function buildMetrics(src: MetricsSources): Promise<string> {
  const out = new Exposition();
  const now = src.now ?? Date.now;
  const started = now();
  const success = new Map<Part, boolean>();
  if (src.ipvs) {
    const ipvs = src.ipvs;
    try {
      const [rows, totals] = await Promise.all([
        ipvs.listServiceRows ? ipvs.listServiceRows() : ipvs.listServices().then(servicesToRows),
        (src.totals ?? readIpvsTotals)(),
      ]);
      await writeIpvsSeries(out, rows, totals);
      success.set("ipvs", true);
    } catch {
      // the page still answers (agent series, scrape_success 0) so the scrape is not "down"
      success.set("ipvs", false);
    }
    try {
      const daemons = await ipvs.listDaemons();
      writeSyncDaemons(out, daemons);
      success.set("sync_daemons", true);
    } catch {
      success.set("sync_daemons", false);
    }
  }
  for (const [part, get, write] of [
    ["vrrp", src.haStatus, writeVrrp],
    ["health", src.healthStatus, writeHealth],
  ] as const) {
    if (!get) continue;
    try {
      const status = await get();
      if (status) (write as (o: Exposition, s: typeof status) => void)(out, status);
      success.set(part, true);
    } catch {
      success.set(part, false);
    }
  }
  writeAgentSeries(out, src.info, src.errors ?? null, now());
  const ok = "lvs_agent_scrape_success";
  out.family(ok, "gauge", "1 when this part of the page could be read for this scrape, 0 when it failed (its series are then missing).");
  for (const [part, good] of success) out.sample(ok, renderLabels([["part", part]]), good ? 1 : 0);
  out.family("lvs_agent_scrape_duration_seconds", "gauge", "How long building this page took.");
  out.sample("lvs_agent_scrape_duration_seconds", "", (now() - started) / 1000);
  return out.text();
}

/** The page builder: concurrent callers share the build in progress. */
export function metricsRenderer(src: MetricsSources): () => Promise<string> {
  let inFlight: Promise<string> | null = null;
  return () => {
    inFlight ??= buildMetrics(src).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
