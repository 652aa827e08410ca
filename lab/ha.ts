// The `ha` topology's VRRP pair: the HaSpec each director's agent gets (protocol/ha.ts), and,
// while the agent in this checkout cannot run keepalived itself, a keepalived.conf the lab
// renders and runs by hand in the director's namespace (the same settings).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { HaSpec, HaSpecInput } from "@/protocol/ha.ts";
import { DR_VIP, NAT_VIP } from "./directors.ts";
import { REPO_ROOT } from "./paths.ts";

/** The real servers' default gateway: the internal VIP that floats with the others (NAT). */
export const INTERNAL_VIP = "10.0.0.1";
export const HA_VIPS = [NAT_VIP, DR_VIP, INTERNAL_VIP];
export const HA_INTERFACE = "eth1";
export const HA_ADVERT_INT = 1;
export const HA_VRID = 51;
export const HA_SYNC_ID = 1;
/** dir1 is MASTER by priority */
export const HA_PRIORITY: Record<string, number> = { dir1: 150, dir2: 100 };
/** the namespaces of the ha topology besides the directors (lab/guest/director-ha.sh) */
export const haNamespaces = (realServers: number): string[] => ["lan", "client1", ...Array.from({ length: realServers }, (_, j) => `rs${j + 1}`)];

export function haSpec(director: string, opts: { preempt?: boolean } = {}): HaSpecInput {
  const preempt = opts.preempt ?? true;
  return {
    group: "ha-pair",
    routerId: director,
    instances: [
      {
        name: "VI_LAB",
        interface: HA_INTERFACE,
        virtualRouterId: HA_VRID,
        priority: HA_PRIORITY[director] ?? 100,
        // nopreempt needs the BACKUP starting state (keepalived's rule)
        initialState: preempt && director === "dir1" ? "MASTER" : "BACKUP",
        advertInt: HA_ADVERT_INT,
        authentication: { type: "PASS", password: "lvslab" },
        virtualIpAddresses: HA_VIPS.map((address) => ({ address, prefix: 32 })),
        preempt,
      },
    ],
    sync: { interface: HA_INTERFACE, syncId: HA_SYNC_ID },
  };
}

/** Where the agent reads its spec: on the persistent share, so a guest reboot keeps it. */
export const haSpecFile = (director: string): string => `/var/lib/lvs-lab/${director}/ha.json`;
export const keepalivedDir = (director: string): string => `/run/lab/keepalived-${director}`;

/** Whether this checkout's agent takes --ha-spec (the agent side of issue 10). */
export function agentRunsKeepalived(): boolean {
  try {
    return readFileSync(join(REPO_ROOT, "agent", "args.ts"), "utf8").includes("ha-spec");
  } catch {
    return false;
  }
}

/** The lab's own keepalived.conf for the fallback: keepalived switches the sync daemons itself
 * (lvs_sync_daemon) instead of the agent. */
export function fallbackKeepalivedConf(director: string, spec: HaSpec): string {
  const i = spec.instances[0]!;
  return [
    // keepalived 2.x takes lvs_sync_daemon in global_defs (an unknown keyword inside vrrp_instance)
    `global_defs {\n  router_id ${director}`,
    ...(spec.sync ? [`  lvs_sync_daemon ${spec.sync.interface} ${i.name} id ${spec.sync.syncId}`] : []),
    "}",
    `vrrp_instance ${i.name} {`,
    `  state ${i.initialState}`,
    `  interface ${i.interface}`,
    `  virtual_router_id ${i.virtualRouterId}`,
    `  priority ${i.priority}`,
    `  advert_int ${i.advertInt}`,
    ...(i.authentication ? [`  authentication {\n    auth_type ${i.authentication.type}\n    auth_pass ${i.authentication.password}\n  }`] : []),
    `  virtual_ipaddress {`,
    ...i.virtualIpAddresses.map((v) => `    ${v.address}/${v.prefix ?? 32} dev ${v.dev ?? i.interface}`),
    `  }`,
    ...(i.preempt ? [] : ["  nopreempt"]),
    `}`,
    "",
  ].join("\n");
}
