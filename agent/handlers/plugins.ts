// The handler modules beside the built-in IPVS and stats handlers (rules, connection table,
// sysctl, VIP/readiness), each exporting createHandlers(deps). They are imported statically so the
// agent bundles into one file (npm run build:agent) that starts fast on a director.
import type { Role } from "../../protocol/messages.ts";
import { type HaManager, haHandlers } from "../ha/index.ts";
import { healthHandlers } from "../health/handlers.ts";
import type { HealthManager } from "../health/manager.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { RunIp } from "../realserver/ip-command.ts";
import * as conns from "./conns.ts";
import type { HandlerMap } from "./context.ts";
import { ipvsHandlers } from "./ipvs.ts";
import { HandlerRegistry } from "./registry.ts";
import * as rules from "./rules.ts";
import { statsHandlers } from "./stats.ts";
import * as sysctl from "./sysctl.ts";
import * as vip from "./vip.ts";

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

export interface HandlerModule {
  name: string;
  createHandlers(deps: HandlerDeps): HandlerMap | Promise<HandlerMap>;
}

export const HANDLER_MODULES: readonly HandlerModule[] = [
  { name: "rules", createHandlers: rules.createHandlers },
  { name: "conns", createHandlers: conns.createHandlers },
  { name: "sysctl", createHandlers: sysctl.createHandlers },
  { name: "vip", createHandlers: vip.createHandlers },
];

export async function buildRegistry(
  deps: HandlerDeps,
  modules: readonly HandlerModule[] = HANDLER_MODULES,
): Promise<{ registry: HandlerRegistry; loaded: string[] }> {
  const registry = new HandlerRegistry();
  if (deps.ipvs) registry.use(ipvsHandlers(deps.ipvs)).use(statsHandlers(deps.ipvs));
  if (deps.ha) registry.use(haHandlers(deps.ha));
  if (deps.health) registry.use(healthHandlers(deps.health));
  for (const m of modules) registry.use(await m.createHandlers(deps));
  return { registry, loaded: modules.map((m) => m.name) };
}
