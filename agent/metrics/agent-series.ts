// The agent's own series (build info, uptime, netlink errors) and the state beside the table:
// sync daemons (from the kernel), VRRP (agent/ha's status) and health checks (agent/health's
// status), each only when the agent has that part; a part that has nothing to say writes no
// family rather than zeros that would look like "down".
import type { DestinationKey, ServiceKey, SyncDaemon } from "@/protocol/ipvs.ts";
import type { HaStatus } from "@/protocol/ha.ts";
import { type Exposition, renderLabels } from "./exposition.ts";
import { rsLabel, vsLabel } from "./labels.ts";
import type { NetlinkErrorCounts } from "./netlink-errors.ts";

export interface AgentInfo {
  version: string;
  role: string;
  /** ms since the epoch */
  startedAt: number;
}

export function writeAgentSeries(out: Exposition, info: AgentInfo, errors: NetlinkErrorCounts | null, now: number): void {
  const build = "lvs_agent_build_info";
  out.family(build, "gauge", "1; the agent's version, its role and the Node.js version it runs on as labels.");
  out.sample(build, renderLabels([["node_version", process.versions.node], ["role", info.role], ["version", info.version]]), 1);
  out.family("lvs_agent_start_time_seconds", "gauge", "When the agent started, seconds since the epoch.");
  out.sample("lvs_agent_start_time_seconds", "", info.startedAt / 1000);
  out.family("lvs_agent_uptime_seconds", "gauge", "Seconds since the agent started.");
  out.sample("lvs_agent_uptime_seconds", "", Math.max(0, (now - info.startedAt) / 1000));
  if (!errors) return;
  const name = "lvs_agent_netlink_errors_total";
  out.family(name, "counter", "IPVS netlink requests that failed since the agent started, by operation and errno (the kernel refused, or the socket failed).");
  for (const [op, byCode] of errors.snapshot()) {
    for (const [code, n] of byCode) out.sample(name, renderLabels([["code", code], ["op", op]]), n);
  }
}

export function writeSyncDaemons(out: Exposition, daemons: readonly SyncDaemon[]): void {
  const up = "lvs_sync_daemon_running";
  out.family(up, "gauge", "1 when the kernel runs the connection sync daemon in this role, else 0.");
  for (const state of ["master", "backup"] as const) {
    out.sample(up, renderLabels([["state", state]]), daemons.some((d) => d.state === state) ? 1 : 0);
  }
  const info = "lvs_sync_daemon_info";
  out.family(info, "gauge", "1 for each running sync daemon; its interface and sync id as labels.");
  for (const d of daemons) {
    out.sample(info, renderLabels([["mcast_interface", d.mcastInterface], ["state", d.state], ["sync_id", String(d.syncId)]]), 1);
  }
}

const VRRP_STATES = ["MASTER", "BACKUP", "FAULT", "STOP", "UNKNOWN"] as const;

export function writeVrrp(out: Exposition, ha: HaStatus): void {
  const name = "lvs_vrrp_state";
  out.family(name, "gauge", "1 for the VRRP instance's current state (keepalived's notify_fifo), 0 for the others (vrrp_instance: Prometheus owns the instance label).");
  const labelsOf = (i: HaStatus["instances"][number], state: string) =>
    renderLabels([["interface", i.interface], ["state", state], ["virtual_router_id", String(i.virtualRouterId)], ["vrrp_instance", i.name]]);
  for (const i of ha.instances) for (const s of VRRP_STATES) out.sample(name, labelsOf(i, s), i.state === s ? 1 : 0);
  const held = "lvs_vrrp_vips_held";
  out.family(held, "gauge", "Configured VIPs of the VRRP instance bound on this director now.");
  for (const i of ha.instances) out.sample(held, renderLabels([["virtual_router_id", String(i.virtualRouterId)], ["vrrp_instance", i.name]]), i.vipsHeld.length);
  if (ha.keepalived) {
    out.family("lvs_keepalived_running", "gauge", "1 when keepalived runs (managed by the agent or its systemd unit).");
    out.sample("lvs_keepalived_running", renderLabels([["mode", ha.keepalived.mode]]), ha.keepalived.running ? 1 : 0);
  }
}

const HEALTH_STATES = ["up", "down", "unknown", "disabled"] as const;

/**
 * What the health series need of agent/health's status (protocol/health.ts HealthStatus has
 * these fields); structural, so this file does not depend on the health work's schema file.
 */
export interface HealthStatus {
  realServers: readonly {
    service: ServiceKey;
    key: DestinationKey;
    state: string;
    lastResult: { latencyMs: number } | null;
    consecutiveFailures: number;
  }[];
}

export function writeHealth(out: Exposition, health: HealthStatus): void {
  // the same vs and rs labels as lvs_real_server_* (lvs_real_server_info maps them)
  const labelsOf = (r: HealthStatus["realServers"][number]): [[string, string], [string, string]] => [
    ["rs", rsLabel(r.key.address, r.key.port)],
    ["vs", vsLabel(r.service)],
  ];
  const state = "lvs_health_check_state";
  out.family(state, "gauge", "1 for the real server's current health-check state, 0 for the others.");
  const base = health.realServers.map(labelsOf);
  health.realServers.forEach((r, i) => {
    for (const s of HEALTH_STATES) out.sample(state, renderLabels([base[i]![0], ["state", s], base[i]![1]]), r.state === s ? 1 : 0);
  });
  const latency = "lvs_health_check_latency_seconds";
  out.family(latency, "gauge", "Duration of the real server's last health check.");
  health.realServers.forEach((r, i) => {
    if (r.lastResult) out.sample(latency, renderLabels(base[i]!), r.lastResult.latencyMs / 1000);
  });
  const failures = "lvs_health_check_consecutive_failures";
  out.family(failures, "gauge", "Failed health checks in a row.");
  health.realServers.forEach((r, i) => {
    out.sample(failures, renderLabels(base[i]!), r.consecutiveFailures);
  });
}
