// Domain model of IPVS shared by agent, server, UI and lvsctl. These zod schemas are the
// contract: the agent decodes netlink into these shapes, every other part speaks them.
// Field names follow ipvsadm's vocabulary; wire details (byte order, flag bits) stay in agent/.
import { ipVersion } from "./ip.ts";
import { z } from "zod";

export const SCHEDULERS = [
  "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh",
] as const;
/** Kernel schedulers ipvsadm 1.31 knows; `none` is what the kernel lists for an unbound one. */
export const Scheduler = z.enum([...SCHEDULERS, "none"]);
export type Scheduler = z.infer<typeof Scheduler>;

export const IpAddress = z
  .string()
  .refine((s) => ipVersion(s) !== 0, { message: "not an IPv4 or IPv6 address" });
export const Port = z.number().int().min(0).max(65535);
export const Family = z.enum(["ipv4", "ipv6"]);
export type Family = z.infer<typeof Family>;

export function familyOf(address: string): Family {
  return ipVersion(address) === 6 ? "ipv6" : "ipv4";
}

/** Identifies a virtual service: (protocol, address, port) or (family, fwmark). */
export const ServiceKey = z.discriminatedUnion("protocol", [
  z.object({ protocol: z.literal("tcp"), address: IpAddress, port: Port }),
  z.object({ protocol: z.literal("udp"), address: IpAddress, port: Port }),
  z.object({ protocol: z.literal("sctp"), address: IpAddress, port: Port }),
  z.object({
    protocol: z.literal("fwmark"),
    fwmark: z.number().int().min(1).max(0xffffffff),
    family: Family,
  }),
]);
export type ServiceKey = z.infer<typeof ServiceKey>;

/** Generic scheduler flag bits; sh/mh name them sh-fallback/sh-port and mh-fallback/mh-port. */
export const SchedulerFlag = z.enum(["flag-1", "flag-2", "flag-3"]);
export type SchedulerFlag = z.infer<typeof SchedulerFlag>;

export const Persistence = z.object({
  /** seconds, 1..2678400 as ipvsadm allows */
  timeout: z.number().int().min(1).max(2678400),
  /** IPv4: dotted mask ("255.255.255.0"); IPv6: prefix length 1..128 as a decimal string */
  netmask: z.string(),
});
export type Persistence = z.infer<typeof Persistence>;

export const ServiceConfig = z.object({
  scheduler: Scheduler,
  schedulerFlags: z.array(SchedulerFlag).default([]),
  persistence: Persistence.nullable().default(null),
  /** persistence engine, only "sip" exists */
  pe: z.enum(["sip"]).nullable().default(null),
  onePacket: z.boolean().default(false),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

export const Service = z.object({ key: ServiceKey, config: ServiceConfig });
export type Service = z.infer<typeof Service>;

export const Forwarding = z.enum(["masq", "route", "tunnel", "local", "bypass"]);
export type Forwarding = z.infer<typeof Forwarding>;

export const Tunnel = z.object({
  type: z.enum(["ipip", "gue", "gre"]),
  /** GUE destination UDP port; 0 for ipip/gre */
  port: Port.default(0),
  checksum: z.enum(["nocsum", "csum", "remcsum"]).default("nocsum"),
});
export type Tunnel = z.infer<typeof Tunnel>;

export const DestinationKey = z.object({ address: IpAddress, port: Port });
export type DestinationKey = z.infer<typeof DestinationKey>;

export const DestinationConfig = z.object({
  forwarding: Forwarding,
  weight: z.number().int().min(0).max(2147483647),
  upperThreshold: z.number().int().min(0).max(2147483647).default(0),
  lowerThreshold: z.number().int().min(0).max(2147483647).default(0),
  /** only with forwarding "tunnel" */
  tunnel: Tunnel.nullable().default(null),
});
export type DestinationConfig = z.infer<typeof DestinationConfig>;

export const Destination = z.object({ key: DestinationKey, config: DestinationConfig });
export type Destination = z.infer<typeof Destination>;

/** 64-bit kernel counters since the last zero, and the estimator's rates (bytes/s for BPS). */
export const Stats = z.object({
  conns: z.number(),
  inPkts: z.number(),
  outPkts: z.number(),
  inBytes: z.number(),
  outBytes: z.number(),
  cps: z.number(),
  inPps: z.number(),
  outPps: z.number(),
  inBps: z.number(),
  outBps: z.number(),
});
export type Stats = z.infer<typeof Stats>;

export const DestinationState = Destination.extend({
  activeConns: z.number().int(),
  inactiveConns: z.number().int(),
  persistConns: z.number().int(),
  stats: Stats,
});
export type DestinationState = z.infer<typeof DestinationState>;

export const ServiceState = Service.extend({
  stats: Stats,
  destinations: z.array(DestinationState),
});
export type ServiceState = z.infer<typeof ServiceState>;

export const Timeouts = z.object({
  tcp: z.number().int().min(0),
  tcpFin: z.number().int().min(0),
  udp: z.number().int().min(0),
});
export type Timeouts = z.infer<typeof Timeouts>;

export const IpvsInfo = z.object({ version: z.string(), connTableSize: z.number().int() });
export type IpvsInfo = z.infer<typeof IpvsInfo>;

export const SyncDaemon = z.object({
  state: z.enum(["master", "backup"]),
  mcastInterface: z.string().min(1).max(15),
  syncId: z.number().int().min(0).max(255),
  maxLen: z.number().int().min(0).max(65507).optional(),
  mcastGroup: IpAddress.optional(),
  mcastPort: Port.optional(),
  mcastTtl: z.number().int().min(0).max(255).optional(),
});
export type SyncDaemon = z.infer<typeof SyncDaemon>;
