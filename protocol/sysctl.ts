// Sysctls an LVS agent may read and set (reference section 7), in the dotted names `sysctl`
// uses. The agent owns the allow-list; these are the shapes on the wire.
import { z } from "zod";

/** Dotted name, e.g. "net.ipv4.vs.conntrack" or "net.ipv4.conf.eth0.arp_ignore"; a dot inside an
 * interface name may be written as "/" (sysctl(8) style: "net.ipv4.conf.eth0/100.rp_filter"). */
export const SysctlName = z.string().min(1).max(200);

/**
 * How a value is checked before it is written: `int` with `count` whitespace-separated
 * integers each in [min, max] (sync_threshold takes two), or a CPU list ("0-3,6").
 */
export const SysctlRule = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("int"),
    count: z.number().int().min(1).default(1),
    min: z.number().int(),
    max: z.number().int(),
    /** Extra constraint in words, e.g. "power of 2", "threshold < period unless period is 0". */
    note: z.string().optional(),
  }),
  z.object({ kind: z.literal("cpulist") }),
]);
export type SysctlRule = z.infer<typeof SysctlRule>;

export const SysctlDoc = z.object({
  meaning: z.string(),
  /** Kernel default as `sysctl -n` prints it; null where it depends on the machine. */
  default: z.string().nullable(),
  rule: SysctlRule,
});
export type SysctlDoc = z.infer<typeof SysctlDoc>;

export const SysctlEntry = z.object({
  name: SysctlName,
  /** The value as `sysctl -n` prints it (tab-separated for several numbers). */
  value: z.string(),
  /** Absent for net.ipv4.vs.* names this agent has no table entry for (newer kernels). */
  doc: SysctlDoc.optional(),
});
export type SysctlEntry = z.infer<typeof SysctlEntry>;

export const SysctlSetRequest = z.object({
  name: SysctlName,
  value: z.string().min(1).max(200),
  /** Also write it to the agent's file under /etc/sysctl.d/ so it survives a reboot. */
  persist: z.boolean().default(false),
});
export type SysctlSetRequest = z.infer<typeof SysctlSetRequest>;

export const SysctlSetResult = z.object({
  name: SysctlName,
  previous: z.string(),
  value: z.string(),
  persisted: z.boolean(),
});
export type SysctlSetResult = z.infer<typeof SysctlSetResult>;

export const SysctlApplyReport = z.object({
  file: z.string(),
  applied: z.array(z.object({ name: SysctlName, value: z.string() })),
  failed: z.array(z.object({ name: z.string(), value: z.string(), error: z.string() })),
});
export type SysctlApplyReport = z.infer<typeof SysctlApplyReport>;

/** Why a sysctl request was refused or failed. */
export const SYSCTL_ERROR_CODES = ["not-allowed", "invalid-value", "not-found", "io"] as const;
export type SysctlErrorCode = (typeof SYSCTL_ERROR_CODES)[number];
