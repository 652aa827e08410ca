// Host settings an LVS box needs beyond the IPVS table: sysctls (net.ipv4.vs.*, arp_ignore,
// ip_forward, ...) and VIPs on the loopback of DR/TUN real servers.
import { IpAddress } from "./ipvs.ts";
import { z } from "zod";

/** Dotted sysctl name under net.ipv4 / net.ipv6; "/" stands for a dot inside an ifname. */
export const SysctlName = z
  .string()
  .max(128)
  .regex(/^net\.(ipv4|ipv6)(\.[A-Za-z0-9_/@:-]+)+$/, { message: "not a net.ipv4/ipv6 sysctl name" });
export const SysctlValue = z.string().max(256).regex(/^[^\n\0]*$/);

/** names absent = every net.ipv4.vs.* sysctl */
export const SysctlGet = z.object({ names: z.array(SysctlName).max(256).optional() });
export const SysctlValues = z.object({ values: z.record(SysctlName, SysctlValue) });
export const SysctlSet = z.object({
  values: z.record(SysctlName, z.union([SysctlValue, z.number().int()])),
});
/** sysctl.set answers the values read back after writing. */
export const SysctlSetResult = SysctlValues;

export const InterfaceName = z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/);
export const Vip = z.object({
  address: IpAddress,
  /** 32 / 128 when absent: a host route, as DR real servers need */
  prefixLength: z.number().int().min(1).max(128).optional(),
  interface: InterfaceName.default("lo"),
});
export type Vip = z.infer<typeof Vip>;
export const VipList = z.object({ vips: z.array(Vip) });
