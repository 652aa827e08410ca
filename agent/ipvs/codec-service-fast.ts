// Listing hot path for services: decodes one SERVICE container in a single pass, like
// codec-dest-fast.ts. Must agree with decodeService (codec-service.ts); unit tests check both.
import type { Family, SchedulerFlag, Service, ServiceKey } from "@/protocol/ipvs.ts";
import { AttrError } from "../netlink/attrs.ts";
import { u16be, u16le, u32be, u32le } from "../netlink/bytes.ts";
import { formatIPv4, formatIPv6, u32ToIPv4Mask } from "./codec-address.ts";
import { decodeStatsAt } from "./codec-dest-fast.ts";
import { type DecodedService, IpvsDecodeError, schedulerOf } from "./codec-service.ts";
import { zeroStats } from "./codec-stats.ts";
import { K } from "./constants.ts";

const FLAGS: [number, SchedulerFlag][] = [
  [K.IP_VS_SVC_F_SCHED1, "flag-1"],
  [K.IP_VS_SVC_F_SCHED2, "flag-2"],
  [K.IP_VS_SVC_F_SCHED3, "flag-3"],
];

function need(len: number, size: number, type: number): void {
  if (len < size) throw new AttrError(`service attribute ${type} has ${len} bytes, needs ${size}`);
}

function cstring(b: Buffer, at: number, len: number): string {
  let stop = at;
  while (stop < at + len && b[stop] !== 0) stop++;
  return b.toString("latin1", at, stop);
}

/** Decodes the attributes inside one SERVICE container at [start, end). */
export function decodeServiceFast(b: Buffer, start: number, end: number): DecodedService {
  let af = -1;
  let proto = -1;
  let addrAt = -1;
  let addrLen = 0;
  let port = -1;
  let fwmark = 0;
  let sched: string | null = null;
  let pe: string | null = null;
  let flags = 0;
  let timeout = 0;
  let netmaskAt = -1;
  let s64 = -1;
  let s64End = 0;
  let st = -1;
  let stEnd = 0;
  if (end > b.length) throw new AttrError("service container past the end of the message");
  let at = start;
  while (end - at >= 4) {
    const len = u16le(b, at);
    const type = u16le(b, at + 2) & 0x3fff;
    if (len < 4 || len > end - at) throw new AttrError(`service attribute at ${at} has length ${len}`);
    const p = at + 4;
    const plen = len - 4;
    switch (type) {
      case K.IPVS_SVC_ATTR_AF: need(plen, 2, type); af = u16le(b, p); break;
      case K.IPVS_SVC_ATTR_PROTOCOL: need(plen, 2, type); proto = u16le(b, p); break;
      case K.IPVS_SVC_ATTR_ADDR: addrAt = p; addrLen = plen; break;
      case K.IPVS_SVC_ATTR_PORT: need(plen, 2, type); port = u16be(b, p); break;
      case K.IPVS_SVC_ATTR_FWMARK: need(plen, 4, type); fwmark = u32le(b, p); break;
      case K.IPVS_SVC_ATTR_SCHED_NAME: sched = cstring(b, p, plen); break;
      case K.IPVS_SVC_ATTR_PE_NAME: pe = cstring(b, p, plen); break;
      case K.IPVS_SVC_ATTR_FLAGS: need(plen, 4, type); flags = u32le(b, p); break;
      case K.IPVS_SVC_ATTR_TIMEOUT: need(plen, 4, type); timeout = u32le(b, p); break;
      case K.IPVS_SVC_ATTR_NETMASK: need(plen, 4, type); netmaskAt = p; break;
      case K.IPVS_SVC_ATTR_STATS64: s64 = p; s64End = p + plen; break;
      case K.IPVS_SVC_ATTR_STATS: st = p; stEnd = p + plen; break;
    }
    at += (len + 3) & ~3;
  }
  if (af < 0 || sched === null) throw new AttrError("service without AF or SCHED_NAME");
  const family: Family = af === K.AF_INET ? "ipv4" : af === K.AF_INET6 ? "ipv6" : (() => {
    throw new IpvsDecodeError(`unknown address family ${af}`);
  })();
  let key: ServiceKey;
  if (fwmark !== 0) key = { protocol: "fwmark", fwmark, family };
  else {
    const protocol = proto === K.IPPROTO_TCP ? "tcp" : proto === K.IPPROTO_UDP ? "udp" : proto === K.IPPROTO_SCTP ? "sctp" : null;
    if (!protocol) throw new IpvsDecodeError(`unsupported service protocol ${proto}`);
    if (addrLen < (family === "ipv6" ? 16 : 4) || port < 0) throw new IpvsDecodeError("service address or port missing");
    key = { protocol, address: family === "ipv6" ? formatIPv6(b, addrAt) : formatIPv4(b, addrAt), port };
  }
  const scheduler = schedulerOf(sched);
  if (pe !== null && pe !== "sip") throw new IpvsDecodeError(`persistence engine "${pe}" is not in the domain model`);
  let persistence: Service["config"]["persistence"] = null;
  if (flags & K.IP_VS_SVC_F_PERSISTENT) {
    if (netmaskAt < 0) throw new AttrError("persistent service without NETMASK");
    persistence = {
      timeout,
      netmask: family === "ipv6" ? String(u32le(b, netmaskAt)) : u32ToIPv4Mask(u32be(b, netmaskAt)),
    };
  }
  const schedulerFlags: SchedulerFlag[] = [];
  for (const [bit, name] of FLAGS) if (flags & bit) schedulerFlags.push(name);
  return {
    service: {
      key,
      config: { scheduler: scheduler.scheduler, schedulerFlags, persistence, pe: pe === "sip" ? "sip" : null, onePacket: (flags & K.IP_VS_SVC_F_ONEPACKET) !== 0 },
    },
    stats: s64 >= 0 ? decodeStatsAt(b, s64, s64End, true) : st >= 0 ? decodeStatsAt(b, st, stEnd, false) : zeroStats(),
    ...(scheduler.unknownScheduler === undefined ? {} : { unknownScheduler: scheduler.unknownScheduler }),
  };
}

const KEY_ATTRS = new Set<number>([
  K.IPVS_SVC_ATTR_AF, K.IPVS_SVC_ATTR_PROTOCOL, K.IPVS_SVC_ATTR_ADDR, K.IPVS_SVC_ATTR_PORT, K.IPVS_SVC_ATTR_FWMARK,
]);

/** Room a service key container can need: AF, PROTOCOL, ADDR (16), PORT, FWMARK, padded. */
export const SERVICE_KEY_CONTAINER_MAX = 4 + 8 + 8 + 20 + 8 + 8;

/**
 * Writes a SERVICE container holding the key attributes of the SERVICE container b[start, end)
 * at out[at..] and returns where it ends: a GET_DEST request's attributes, copied byte for byte.
 */
export function writeServiceKeyContainer(b: Buffer, start: number, end: number, out: Buffer, at: number): number {
  let w = at + 4;
  for (let p = start; end - p >= 4; ) {
    const len = b.readUInt16LE(p);
    if (len < 4 || len > end - p) throw new AttrError(`service attribute at ${p} has length ${len}`);
    const padded = (len + 3) & ~3;
    if (KEY_ATTRS.has(b.readUInt16LE(p + 2) & 0x3fff)) {
      if (w + padded - at > SERVICE_KEY_CONTAINER_MAX) throw new AttrError("service key attributes too long");
      const n = Math.min(padded, end - p);
      b.copy(out, w, p, p + n);
      out.fill(0, w + n, w + padded); // padding of a last attribute the container cut short
      w += padded;
    }
    p += padded;
  }
  out.writeUInt16LE(w - at, at);
  out.writeUInt16LE(K.IPVS_CMD_ATTR_SERVICE, at + 2); // no NLA_F_NESTED, like AttrWriter.nested
  return w;
}
