// keepalived.conf from a validated HA spec: VRRP only (the agent owns the IPVS table, so no
// virtual_server blocks). A pure function; the output is what `keepalived -t` checks in the
// unit tests. Every value rendered was validated (names, addresses, passwords without the
// characters keepalived's parser treats as comments or quotes), so nothing needs quoting.
import type { HaSpec, VirtualIp, VrrpInstanceSpec } from "@/protocol/ha.ts";
import { ipVersion } from "@/protocol/ip.ts";
import { canonicalAddress } from "../conntable/address.ts";

export interface RenderOptions {
  /** where keepalived writes its state lines (global_defs notify_fifo) */
  notifyFifo: string;
  /** global_defs router_id when the spec has none (the host name) */
  defaultRouterId: string;
}

/** The sync group's name when there is more than one instance. */
export const SYNC_GROUP = "LVS_FLEET";

export function vipText(v: VirtualIp): string {
  const v6 = ipVersion(v.address) === 6;
  return `${canonicalAddress(v.address)}/${v.prefix ?? (v6 ? 128 : 32)}`;
}

/** VRRPv2 carries whole seconds and IPv4 only; anything else needs version 3 (no authentication). */
export function needsVrrp3(inst: VrrpInstanceSpec): boolean {
  return !Number.isInteger(inst.advertInt) || ipVersion(inst.virtualIpAddresses[0]!.address) === 6;
}

/** keepalived prints a number with up to 6 decimals; ours keeps what the spec said. */
function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}

function block(indent: string, head: string, lines: readonly string[]): string[] {
  return [`${indent}${head} {`, ...lines.map((l) => `${indent}    ${l}`), `${indent}}`];
}

function renderInstance(inst: VrrpInstanceSpec): string[] {
  const body: string[] = [
    `state ${inst.initialState}`,
    `interface ${inst.interface}`,
    `virtual_router_id ${inst.virtualRouterId}`,
    `priority ${inst.priority}`,
    `advert_int ${num(inst.advertInt)}`,
  ];
  // IPv6 instances are version 3 by themselves; a fractional interval must ask for it
  if (!Number.isInteger(inst.advertInt) && ipVersion(inst.virtualIpAddresses[0]!.address) === 4) body.push("version 3");
  if (!inst.preempt) body.push("nopreempt");
  if (inst.preemptDelay !== undefined) body.push(`preempt_delay ${inst.preemptDelay}`);
  if (inst.authentication) {
    body.push(...block("", "authentication", [`auth_type ${inst.authentication.type}`, `auth_pass ${inst.authentication.password}`]));
  }
  if (inst.unicastSrcIp !== undefined) body.push(`unicast_src_ip ${canonicalAddress(inst.unicastSrcIp)}`);
  if (inst.unicastPeers.length > 0) body.push(...block("", "unicast_peer", inst.unicastPeers.map(canonicalAddress)));
  body.push(
    ...block(
      "",
      "virtual_ipaddress",
      inst.virtualIpAddresses.map((v) => `${vipText(v)} dev ${v.dev ?? inst.interface}`),
    ),
  );
  // keepalived tracks its own interface anyway (and warns when told to)
  const tracked = [...new Set(inst.trackInterfaces)].filter((t) => t !== inst.interface);
  if (tracked.length > 0) body.push(...block("", "track_interface", tracked));
  return block("", `vrrp_instance ${inst.name}`, body);
}

export function renderKeepalivedConf(spec: HaSpec, o: RenderOptions): string {
  const lines: string[] = [
    "# Written by lvs-agent from its HA spec; changes here are overwritten by the next ha.configure.",
    ...block("", "global_defs", [
      `router_id ${spec.routerId ?? o.defaultRouterId}`,
      `notify_fifo ${o.notifyFifo}`,
      // gratuitous ARP / unsolicited NA on becoming MASTER: 3 at once, 3 more 1 s later
      "vrrp_garp_master_repeat 3",
      "vrrp_garp_master_delay 1",
      "vrrp_garp_interval 0.001",
      "vrrp_gna_interval 0.001",
    ]),
  ];
  if (spec.instances.length > 1) {
    // one group: every VIP moves together, so NAT's internal gateway follows the external VIPs
    lines.push(...block("", `vrrp_sync_group ${SYNC_GROUP}`, block("", "group", spec.instances.map((i) => i.name))));
  }
  for (const inst of spec.instances) lines.push(...renderInstance(inst));
  return `${lines.join("\n")}\n`;
}
