// Service <-> IPVS_CMD_ATTR_SERVICE. Requests always carry the full service (SET_SERVICE is a
// full replacement); replies are decoded into the domain shapes of protocol/ipvs.ts.
import type { Family, Scheduler, SchedulerFlag, Service, ServiceKey, Stats } from "@/protocol/ipvs.ts";
import { familyOf, Scheduler as SchedulerSchema } from "@/protocol/ipvs.ts";
import { type AttrMap, AttrWriter } from "../netlink/attrs.ts";
import { addressToBytes, formatAddress, ipv4MaskToU32, u32ToIPv4Mask } from "./codec-address.ts";
import { decodeStats } from "./codec-stats.ts";
import { K } from "./constants.ts";

/** A reply the domain model cannot represent (unknown protocol, scheduler, family...). */
export class IpvsDecodeError extends Error {
  override name = "IpvsDecodeError";
}

const PROTOCOLS = { tcp: K.IPPROTO_TCP, udp: K.IPPROTO_UDP, sctp: K.IPPROTO_SCTP } as const;
const SCHED_FLAG_BITS: Record<SchedulerFlag, number> = {
  "flag-1": K.IP_VS_SVC_F_SCHED1,
  "flag-2": K.IP_VS_SVC_F_SCHED2,
  "flag-3": K.IP_VS_SVC_F_SCHED3,
};
const ALL_FLAGS_MASK = 0xffffffff;

export function afOf(family: Family): number {
  return family === "ipv6" ? K.AF_INET6 : K.AF_INET;
}

export function familyOfAf(af: number): Family {
  if (af === K.AF_INET) return "ipv4";
  if (af === K.AF_INET6) return "ipv6";
  throw new IpvsDecodeError(`unknown address family ${af}`);
}

export function serviceFamily(key: ServiceKey): Family {
  return key.protocol === "fwmark" ? key.family : familyOf(key.address);
}

/** AF plus FWMARK, or AF, PROTOCOL, ADDR, PORT: what the kernel looks a service up by. */
function writeKey(w: AttrWriter, key: ServiceKey): void {
  w.u16(K.IPVS_SVC_ATTR_AF, afOf(serviceFamily(key)));
  if (key.protocol === "fwmark") {
    w.u32(K.IPVS_SVC_ATTR_FWMARK, key.fwmark);
    return;
  }
  w.u16(K.IPVS_SVC_ATTR_PROTOCOL, PROTOCOLS[key.protocol]);
  w.binary(K.IPVS_SVC_ATTR_ADDR, addressToBytes(key.address));
  w.u16be(K.IPVS_SVC_ATTR_PORT, key.port);
}

export function writeServiceKey(w: AttrWriter, key: ServiceKey): void {
  w.nested(K.IPVS_CMD_ATTR_SERVICE, (n) => writeKey(n, key));
}

export function serviceFlags(svc: Service): number {
  let flags = 0;
  if (svc.config.persistence) flags |= K.IP_VS_SVC_F_PERSISTENT;
  if (svc.config.onePacket) flags |= K.IP_VS_SVC_F_ONEPACKET;
  for (const f of svc.config.schedulerFlags) flags |= SCHED_FLAG_BITS[f];
  return flags;
}

/** The NETMASK attribute payload: raw mask bytes for IPv4, a host-order prefix for IPv6. */
function netmaskBytes(svc: Service): Buffer {
  const out = Buffer.alloc(4);
  const p = svc.config.persistence;
  if (serviceFamily(svc.key) === "ipv6") out.writeUInt32LE(p ? Number(p.netmask) : 128, 0);
  else out.writeUInt32BE(p ? ipv4MaskToU32(p.netmask) : 0xffffffff, 0);
  return out;
}

export function writeServiceFull(w: AttrWriter, svc: Service): void {
  w.nested(K.IPVS_CMD_ATTR_SERVICE, (n) => {
    writeKey(n, svc.key);
    n.string(K.IPVS_SVC_ATTR_SCHED_NAME, svc.config.scheduler);
    if (svc.config.pe) n.string(K.IPVS_SVC_ATTR_PE_NAME, svc.config.pe);
    const flags = Buffer.alloc(8);
    flags.writeUInt32LE(serviceFlags(svc), 0);
    flags.writeUInt32LE(ALL_FLAGS_MASK, 4);
    n.binary(K.IPVS_SVC_ATTR_FLAGS, flags);
    n.u32(K.IPVS_SVC_ATTR_TIMEOUT, svc.config.persistence?.timeout ?? 0);
    n.binary(K.IPVS_SVC_ATTR_NETMASK, netmaskBytes(svc));
  });
}

export function encodeServiceKey(key: ServiceKey): Buffer {
  const w = new AttrWriter(64);
  writeServiceKey(w, key);
  return w.finish();
}

export function encodeServiceFull(svc: Service): Buffer {
  const w = new AttrWriter(128);
  writeServiceFull(w, svc);
  return w.finish();
}

export function decodeServiceKey(m: AttrMap): ServiceKey {
  const family = familyOfAf(m.u16(K.IPVS_SVC_ATTR_AF));
  const fwmark = m.has(K.IPVS_SVC_ATTR_FWMARK) ? m.u32(K.IPVS_SVC_ATTR_FWMARK) : 0;
  if (fwmark !== 0) return { protocol: "fwmark", fwmark, family };
  const proto = m.u16(K.IPVS_SVC_ATTR_PROTOCOL);
  const protocol = proto === K.IPPROTO_TCP ? "tcp" : proto === K.IPPROTO_UDP ? "udp" : proto === K.IPPROTO_SCTP ? "sctp" : null;
  if (!protocol) throw new IpvsDecodeError(`unsupported service protocol ${proto}`);
  const need = family === "ipv6" ? 16 : 4;
  if (m.length(K.IPVS_SVC_ATTR_ADDR) < need) throw new IpvsDecodeError("service address too short");
  return {
    protocol,
    address: formatAddress(m.binary(K.IPVS_SVC_ATTR_ADDR), family),
    port: m.u16be(K.IPVS_SVC_ATTR_PORT),
  };
}

/** A decoded service; see ListedService (protocol/agent/ipvs.ts) for unknownScheduler. */
export interface DecodedService {
  service: Service;
  stats: Stats;
  /** the kernel's scheduler name when it is not one of the known ones (config.scheduler is then "none") */
  unknownScheduler?: string;
}

/**
 * Schedulers outside the domain model (a third-party module such as "twos") must not make a
 * whole listing fail: the service is listed with the placeholder "none" and the raw name.
 */
export function schedulerOf(name: string): { scheduler: Scheduler; unknownScheduler?: string } {
  const sched = SchedulerSchema.safeParse(name);
  return sched.success ? { scheduler: sched.data } : { scheduler: "none", unknownScheduler: name };
}

/** Decodes the attributes inside one SERVICE container. */
export function decodeService(m: AttrMap): DecodedService {
  const key = decodeServiceKey(m);
  const sched = schedulerOf(m.string(K.IPVS_SVC_ATTR_SCHED_NAME));
  // HASHED is kernel-internal and always set in replies.
  const flags = m.has(K.IPVS_SVC_ATTR_FLAGS) ? m.u32(K.IPVS_SVC_ATTR_FLAGS) : 0;
  const schedulerFlags = (Object.keys(SCHED_FLAG_BITS) as SchedulerFlag[]).filter((f) => flags & SCHED_FLAG_BITS[f]);
  let persistence: Service["config"]["persistence"] = null;
  if (flags & K.IP_VS_SVC_F_PERSISTENT) {
    const family = serviceFamily(key);
    persistence = {
      timeout: m.u32(K.IPVS_SVC_ATTR_TIMEOUT),
      netmask:
        family === "ipv6" ? String(m.u32(K.IPVS_SVC_ATTR_NETMASK)) : u32ToIPv4Mask(m.u32be(K.IPVS_SVC_ATTR_NETMASK)),
    };
  }
  let pe: "sip" | null = null;
  if (m.has(K.IPVS_SVC_ATTR_PE_NAME)) {
    const name = m.string(K.IPVS_SVC_ATTR_PE_NAME);
    if (name !== "sip") throw new IpvsDecodeError(`persistence engine "${name}" is not in the domain model`);
    pe = name;
  }
  return {
    service: {
      key,
      config: {
        scheduler: sched.scheduler,
        schedulerFlags,
        persistence,
        pe,
        onePacket: (flags & K.IP_VS_SVC_F_ONEPACKET) !== 0,
      },
    },
    stats: decodeStats(m, K.IPVS_SVC_ATTR_STATS64, K.IPVS_SVC_ATTR_STATS),
    ...(sched.unknownScheduler === undefined ? {} : { unknownScheduler: sched.unknownScheduler }),
  };
}
