// Host settings an LVS box needs beyond the IPVS table: sysctls (net.ipv4.vs.*, arp_ignore,
// ip_forward, ...), VIPs on the loopback of DR/TUN real servers, and the DR-readiness report.
// The shapes themselves live in protocol/sysctl.ts and protocol/realserver.ts (one definition
// each); this file only puts them into request/result form.
import { IpAddress } from "../ipvs.ts";
import { DrReadinessReport, VipBinding } from "../realserver.ts";
import * as S from "../sysctl.ts";
import { z } from "zod";

/**
 * protocol/sysctl.ts's name narrowed to what can ever be allowed (net.ipv4 / net.ipv6), so an
 * obviously foreign name ("kernel.panic") is refused before it reaches the agent. Which names
 * are really allowed is the agent's allow-list (agent/sysctl/allowlist.ts); "/" stands for a
 * dot inside an interface name, as sysctl(8) writes it.
 */
export const SysctlName = S.SysctlName.regex(/^net\.(ipv4|ipv6)(\.[A-Za-z0-9_/@:+-]+)+$/, {
  message: "not a net.ipv4/ipv6 sysctl name",
});

/** names absent = every allow-listed sysctl present on the host (the agent's list). */
export const SysctlGet = z.object({ names: z.array(SysctlName).min(1).max(256).optional() });
/** `values` maps each name to its value as `sysctl -n` prints it; `entries` adds the docs. */
export const SysctlValues = z.object({
  values: z.record(z.string(), z.string()),
  /** Same values in order with meaning/default/rule; always sent by this agent. */
  entries: z.array(S.SysctlEntry).optional(),
});
export type SysctlValues = z.infer<typeof SysctlValues>;
/** One sysctl per request: validated, written, read back, optionally persisted. */
export const SysctlSet = S.SysctlSetRequest.extend({ name: SysctlName });
export const SysctlSetResult = S.SysctlSetResult;

/** A VIP on lo: the agent binds IPv4 as /32 and IPv6 as /128 (reference 7.2). */
export const Vip = z.object({ address: IpAddress });
export type Vip = z.infer<typeof Vip>;
export const VipResult = VipBinding;
/** Non-loopback addresses bound on lo, with their prefix and whether the local route is there. */
export const VipEntry = z.object({ address: IpAddress, prefixLength: z.number().int() });
export type VipEntry = z.infer<typeof VipEntry>;
export const VipList = z.object({ vips: z.array(VipEntry) });
export type VipList = z.infer<typeof VipList>;

export const InterfaceName = z.string().regex(/^[A-Za-z0-9_.:@+-]{1,15}$/);
export const ReadinessQuery = z.object({
  vip: IpAddress,
  /** Interfaces whose ARP settings matter; default every IPv4 interface of the namespace. */
  interfaces: z.array(InterfaceName).min(1).max(64).optional(),
});
export const ReadinessResult = DrReadinessReport;
