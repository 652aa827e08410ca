// What the handler modules are built from: the IPVS client, the host's paths and commands,
// the HA and health managers. Its own file so that the modules (rules, conns, sysctl, vip)
// and the fixed list that loads them (handler-modules.ts) do not import each other.
import type { Role } from "@/protocol/agent/catalog.ts";
import type { HaManager } from "../ha/index.ts";
import type { HealthManager } from "../health/manager.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { RunIp } from "../realserver/ip-command.ts";

/** Where the host-facing handlers look; every field defaults to the real system's. */
export interface HostDeps {
  /** default /proc/net/ip_vs_conn */
  connTablePath?: string;
  /** default /proc/sys */
  procSysRoot?: string;
  /** sysctl.set's persist target; default /etc/sysctl.d/90-lvs-agent.conf */
  sysctlPersistFile?: string;
  /** runs `ip` with an argv; default the `ip` on PATH in the agent's namespace */
  runIp?: RunIp;
}

export interface HandlerDeps {
  role: Role;
  /** null on a realserver agent, which does not open IPVS */
  ipvs: IpvsClient | null;
  host?: HostDeps;
  /** a director's keepalived/VRRP manager (agent/ha/); without it ha.* stay unsupported */
  ha?: HaManager;
  /** a director's health checks (agent/health/); without it health.* stay unsupported */
  health?: HealthManager;
}
