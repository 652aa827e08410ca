// The real-server role: the VIP bound on lo and a DR-readiness report (reference 7.2).
import { z } from "zod";
import { IpAddress } from "./ipvs.ts";

export const VipBinding = z.object({
  vip: IpAddress,
  /** Prefix length on lo: 32 for IPv4, 128 for IPv6. */
  prefixLength: z.number().int(),
  /** False when nothing had to change (already bound / already absent). */
  changed: z.boolean(),
  /** The local route the kernel adds with the address (table local, dev lo). */
  hostRoute: z.boolean(),
});
export type VipBinding = z.infer<typeof VipBinding>;

export const ReadinessFix = z.object({
  /** What to run by hand, in order (each an argv); for sysctls also the name/value the agent's sysctl API takes. */
  commands: z.array(z.array(z.string())),
  sysctl: z.object({ name: z.string(), value: z.string() }).optional(),
});
export type ReadinessFix = z.infer<typeof ReadinessFix>;

export const ReadinessCheck = z.object({
  /** Stable id, e.g. "vip-on-lo", "host-route", "arp_ignore:eth0", "arp_announce:all". */
  id: z.string(),
  title: z.string(),
  ok: z.boolean(),
  current: z.string(),
  expected: z.string(),
  fix: ReadinessFix.nullable(),
});
export type ReadinessCheck = z.infer<typeof ReadinessCheck>;

export const DrReadinessReport = z.object({
  vip: IpAddress,
  ready: z.boolean(),
  checks: z.array(ReadinessCheck),
  notes: z.array(z.string()),
});
export type DrReadinessReport = z.infer<typeof DrReadinessReport>;
