// HA pairs: the VRRP spec an agent renders into keepalived's configuration, and the live state
// it reads back from keepalived's notify_fifo. keepalived does VRRP (we never implement it);
// the agent writes its config, runs or reloads it, follows its state and switches the IPVS
// sync daemons on each transition. Field names follow keepalived.conf's keywords.
import { z } from "zod";
import { IpAddress, Port, SyncDaemon } from "./ipvs.ts";

/** A Linux interface name as `ip link` accepts it (IFNAMSIZ 16 with the NUL). */
export const IfName = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,15}$/, { message: "not an interface name (1-15 letters, digits, _ . : @ -)" });

/** keepalived's vrrp_instance / vrrp_sync_group names: one word, no quoting needed. */
export const VrrpName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, { message: "a name of 1-32 letters, digits, _ or -, starting with a letter" });

export const VirtualIp = z.object({
  address: IpAddress,
  /** prefix length; default /32 (IPv4) or /128 (IPv6), as keepalived does */
  prefix: z.number().int().min(0).max(128).optional(),
  /** the interface it goes on; default the instance's interface */
  dev: IfName.optional(),
});
export type VirtualIp = z.infer<typeof VirtualIp>;

/** keepalived's `authentication { auth_type PASS|AH; auth_pass ... }` (VRRPv2; 8 characters). */
export const VrrpAuthentication = z.object({
  type: z.enum(["PASS", "AH"]),
  password: z.string().regex(/^[\x21-\x7e]{1,8}$/, { message: "1-8 printable characters without spaces" }),
});

export const VrrpInstanceSpec = z.object({
  name: VrrpName,
  /** keepalived's `interface`: where adverts go and (by default) where the VIPs are added */
  interface: IfName,
  virtualRouterId: z.number().int().min(1).max(255),
  /** 1-255; 255 means this node owns the addresses (keepalived's rule) */
  priority: z.number().int().min(1).max(255),
  /** keepalived's `state`: only the starting state; priority decides who is MASTER */
  initialState: z.enum(["MASTER", "BACKUP"]).default("BACKUP"),
  /** seconds between adverts (keepalived's advert_int) */
  advertInt: z.number().min(0.01).max(255).default(1),
  authentication: VrrpAuthentication.optional(),
  virtualIpAddresses: z.array(VirtualIp).min(1).max(64),
  /** false = keepalived's `nopreempt` (needs initialState BACKUP) */
  preempt: z.boolean().default(true),
  /** keepalived's preempt_delay in seconds (0-1000; needs initialState BACKUP) */
  preemptDelay: z.number().int().min(0).max(1000).optional(),
  /** unicast instead of multicast adverts: the peers' addresses (empty = multicast) */
  unicastPeers: z.array(IpAddress).max(32).default([]),
  unicastSrcIp: IpAddress.optional(),
  /** keepalived's track_interface: FAULT when one of these goes down */
  trackInterfaces: z.array(IfName).max(32).default([]),
});
export type VrrpInstanceSpec = z.infer<typeof VrrpInstanceSpec>;
export type VrrpInstanceSpecInput = z.input<typeof VrrpInstanceSpec>;

/** IPVS connection sync between the pair: master daemon on the VRRP MASTER, backup on BACKUP. */
export const HaSyncSpec = z.object({
  interface: IfName,
  syncId: z.number().int().min(0).max(255),
  maxLen: SyncDaemon.shape.maxLen,
  mcastGroup: IpAddress.optional(),
  mcastPort: Port.optional(),
  mcastTtl: SyncDaemon.shape.mcastTtl,
});
export type HaSyncSpec = z.infer<typeof HaSyncSpec>;

export const HaSpec = z.object({
  /** the dashboard's HA group this member belongs to (informational on the agent) */
  group: z.string().min(1).max(64).optional(),
  /** keepalived's global_defs router_id (default: the host name) */
  routerId: VrrpName.optional(),
  /** more than one instance are put in one vrrp_sync_group so that all VIPs move together */
  instances: z.array(VrrpInstanceSpec).min(1).max(32),
  sync: HaSyncSpec.nullable().default(null),
});
export type HaSpec = z.infer<typeof HaSpec>;
export type HaSpecInput = z.input<typeof HaSpec>;

/** keepalived's states as its notify_fifo names them; UNKNOWN before the first line. */
export const VrrpState = z.enum(["MASTER", "BACKUP", "FAULT", "STOP", "UNKNOWN"]);
export type VrrpState = z.infer<typeof VrrpState>;

export const VrrpTransition = z.object({
  instance: z.string(),
  from: VrrpState,
  to: VrrpState,
  /** ms since the epoch, when the agent read the line from the fifo */
  at: z.number(),
});
export type VrrpTransition = z.infer<typeof VrrpTransition>;

export const HaInstanceStatus = z.object({
  name: z.string(),
  interface: z.string(),
  virtualRouterId: z.number().int(),
  priority: z.number().int(),
  state: VrrpState,
  /** when the current state began (ms since the epoch), null while UNKNOWN */
  since: z.number().nullable(),
  /** the configured VIPs, "address/prefix" */
  vips: z.array(z.string()),
  /** those of them bound on an interface of this director now (read from the kernel) */
  vipsHeld: z.array(z.string()),
});
export type HaInstanceStatus = z.infer<typeof HaInstanceStatus>;

export const KeepalivedStatus = z.object({
  /** managed: a child process of the agent; systemd: the system's keepalived unit */
  mode: z.enum(["managed", "systemd"]),
  running: z.boolean(),
  pid: z.number().int().nullable(),
  configFile: z.string(),
  startedAt: z.number().nullable(),
  /** why it is not running (failed to start, died, refused its config), null when fine */
  error: z.string().nullable(),
  /** the last lines keepalived logged (its console output, or the unit's journal) */
  logTail: z.array(z.string()).max(200),
});
export type KeepalivedStatus = z.infer<typeof KeepalivedStatus>;

export const HaSyncStatus = z.object({
  /** what the VRRP state asks for */
  wanted: z.enum(["master", "backup", "none"]),
  /** what the kernel runs now (daemon.list) */
  daemons: z.array(SyncDaemon),
  error: z.string().nullable(),
});
export type HaSyncStatus = z.infer<typeof HaSyncStatus>;

export const HaStatus = z.object({
  configured: z.boolean(),
  spec: HaSpec.nullable(),
  keepalived: KeepalivedStatus.nullable(),
  instances: z.array(HaInstanceStatus),
  /** the last transitions, oldest first (at most 100) */
  transitions: z.array(VrrpTransition).max(100),
  sync: HaSyncStatus.nullable(),
  /** when this status was read (ms since the epoch) */
  time: z.number(),
});
export type HaStatus = z.infer<typeof HaStatus>;

/** ha.configure: validate, render, write atomically, start or reload keepalived; null stops it. */
export const HaConfigure = z.object({ spec: HaSpec.nullable() });
export const HaSubscribed = z.object({ subscription: z.string() });
export const HaUnsubscribe = z.object({ subscription: z.string().min(1).max(128) });
