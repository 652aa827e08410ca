// The listing hot path: decodes a GET_DEST dump straight from the reply bytes in one pass per
// container, without AttrMap objects, closures or slices. Must agree with decodeDest
// (codec-dest.ts); the unit tests check both on the same bytes.
import type { DestinationState, Family, Forwarding, Stats, Tunnel } from "@/protocol/ipvs.ts";
import type { DestinationRow, StatsRow } from "@/protocol/agent/compact.ts";
import { AttrError } from "../netlink/attrs.ts";
import { u16be, u16le, u32le } from "../netlink/bytes.ts";
import { GENL_HDRLEN, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, interpretReplies } from "../netlink/genl.ts";
import { formatIPv4Cached, formatIPv6 } from "./codec-address.ts";
import { IpvsDecodeError } from "./codec-service.ts";
import { zeroStats } from "./codec-stats.ts";
import { K } from "./constants.ts";

const FWD: Forwarding[] = ["masq", "local", "tunnel", "route", "bypass", "masq", "masq", "masq"];
const TUN: Tunnel["type"][] = ["ipip", "gue", "gre"];
const U32 = 0x1_0000_0000;

function need(len: number, size: number, type: number): void {
  if (len < size) throw new AttrError(`dest attribute ${type} has ${len} bytes, needs ${size}`);
}

/** The ten counters of a STATS64 (wide) or legacy STATS container, in STATS_FIELDS order. */
function readStatsValues(b: Buffer, start: number, end: number, wide: boolean, out: Float64Array): void {
  out.fill(0);
  if (end > b.length) throw new AttrError("stats container past the end of the message");
  let at = start;
  while (end - at >= 4) {
    const len = u16le(b, at);
    const type = u16le(b, at + 2) & 0x3fff;
    if (len < 4 || len > end - at) throw new AttrError(`stats attribute at ${at} has length ${len}`);
    const p = at + 4;
    const plen = len - 4;
    // attribute types 1..10 are the counters in STATS_FIELDS order
    if (type >= 1 && type <= 10) {
      if (wide || type === K.IPVS_STATS_ATTR_INBYTES || type === K.IPVS_STATS_ATTR_OUTBYTES) {
        need(plen, 8, type);
        out[type - 1] = u32le(b, p) + u32le(b, p + 4) * U32;
      } else {
        need(plen, 4, type);
        out[type - 1] = u32le(b, p);
      }
    }
    at += (len + 3) & ~3;
  }
}

const statsScratch = new Float64Array(10);

/** Reads a STATS64 (wide) or legacy STATS container into a Stats object. */
export function decodeStatsAt(b: Buffer, start: number, end: number, wide: boolean): Stats {
  const v = statsScratch;
  readStatsValues(b, start, end, wide, v);
  return { conns: v[0]!, inPkts: v[1]!, outPkts: v[2]!, inBytes: v[3]!, outBytes: v[4]!, cps: v[5]!, inPps: v[6]!, outPps: v[7]!, inBps: v[8]!, outBps: v[9]! };
}

/** The same counters as a compact stats row: 0 when all are 0. */
export function statsRowAt(b: Buffer, start: number, end: number, wide: boolean): StatsRow {
  const v = statsScratch;
  readStatsValues(b, start, end, wide, v);
  for (let i = 0; i < 10; i++) if (v[i] !== 0) return Array.from(v) as Exclude<StatsRow, 0>;
  return 0;
}

/** Where the fields of one DEST container are: filled by scanDest, reused (no allocation). */
const d = {
  addrAt: -1, addrLen: 0, port: -1, fwd: -1, weight: -1, upper: 0, lower: 0, active: 0, inactive: 0, persist: 0,
  af: 0, tunType: 0, tunPort: 0, tunFlags: 0, s64At: -1, s64End: 0, sAt: -1, sEnd: 0,
};

function scanDest(b: Buffer, start: number, end: number): void {
  d.addrAt = -1; d.addrLen = 0; d.port = -1; d.fwd = -1; d.weight = -1; d.upper = 0; d.lower = 0;
  d.active = 0; d.inactive = 0; d.persist = 0; d.af = 0; d.tunType = 0; d.tunPort = 0; d.tunFlags = 0;
  d.s64At = -1; d.s64End = 0; d.sAt = -1; d.sEnd = 0;
  if (end > b.length) throw new AttrError("dest container past the end of the message");
  let at = start;
  while (end - at >= 4) {
    const len = u16le(b, at);
    const type = u16le(b, at + 2) & 0x3fff;
    if (len < 4 || len > end - at) throw new AttrError(`dest attribute at ${at} has length ${len}`);
    const p = at + 4;
    const plen = len - 4;
    switch (type) {
      case K.IPVS_DEST_ATTR_ADDR: d.addrAt = p; d.addrLen = plen; break;
      case K.IPVS_DEST_ATTR_PORT: need(plen, 2, type); d.port = u16be(b, p); break;
      case K.IPVS_DEST_ATTR_FWD_METHOD: need(plen, 4, type); d.fwd = u32le(b, p); break;
      case K.IPVS_DEST_ATTR_WEIGHT: need(plen, 4, type); d.weight = u32le(b, p); break;
      case K.IPVS_DEST_ATTR_U_THRESH: need(plen, 4, type); d.upper = u32le(b, p); break;
      case K.IPVS_DEST_ATTR_L_THRESH: need(plen, 4, type); d.lower = u32le(b, p); break;
      case K.IPVS_DEST_ATTR_ACTIVE_CONNS: need(plen, 4, type); d.active = u32le(b, p); break;
      case K.IPVS_DEST_ATTR_INACT_CONNS: need(plen, 4, type); d.inactive = u32le(b, p); break;
      case K.IPVS_DEST_ATTR_PERSIST_CONNS: need(plen, 4, type); d.persist = u32le(b, p); break;
      case K.IPVS_DEST_ATTR_ADDR_FAMILY: need(plen, 2, type); d.af = u16le(b, p); break;
      case K.IPVS_DEST_ATTR_TUN_TYPE: need(plen, 1, type); d.tunType = b[p]!; break;
      case K.IPVS_DEST_ATTR_TUN_PORT: need(plen, 2, type); d.tunPort = u16be(b, p); break;
      case K.IPVS_DEST_ATTR_TUN_FLAGS: need(plen, 2, type); d.tunFlags = u16le(b, p); break;
      case K.IPVS_DEST_ATTR_STATS64: d.s64At = p; d.s64End = p + plen; break;
      case K.IPVS_DEST_ATTR_STATS: d.sAt = p; d.sEnd = p + plen; break;
    }
    at += (len + 3) & ~3;
  }
  if (d.addrAt < 0 || d.port < 0 || d.fwd < 0 || d.weight < 0) throw new AttrError("dest without ADDR, PORT, FWD_METHOD or WEIGHT");
  if (d.af !== 0 && d.af !== K.AF_INET && d.af !== K.AF_INET6) throw new IpvsDecodeError(`unknown address family ${d.af}`);
}

/** The scanned destination's address, its forwarding and its tunnel (shared by both shapes). */
function scannedParts(b: Buffer, serviceFamily: Family): { address: string; forwarding: Forwarding; tunnel: Tunnel | null } {
  const family: Family = d.af === 0 ? serviceFamily : d.af === K.AF_INET6 ? "ipv6" : "ipv4";
  if (d.addrLen < (family === "ipv6" ? 16 : 4)) throw new IpvsDecodeError("destination address too short");
  const forwarding = FWD[d.fwd & 7]!;
  let tunnel: Tunnel | null = null;
  if (forwarding === "tunnel") {
    const type = TUN[d.tunType];
    if (!type) throw new IpvsDecodeError(`unknown tunnel type ${d.tunType}`);
    tunnel = { type, port: d.tunPort, checksum: d.tunFlags & 2 ? "remcsum" : d.tunFlags & 1 ? "csum" : "nocsum" };
  }
  const address = family === "ipv6" ? formatIPv6(b, d.addrAt) : formatIPv4Cached(b, d.addrAt);
  return { address, forwarding, tunnel };
}

/** Decodes the attributes inside one DEST container at [start, end). */
export function decodeDestFast(b: Buffer, start: number, end: number, serviceFamily: Family): DestinationState {
  scanDest(b, start, end);
  const { address, forwarding, tunnel } = scannedParts(b, serviceFamily);
  return {
    key: { address, port: d.port },
    config: { forwarding, weight: d.weight, upperThreshold: d.upper, lowerThreshold: d.lower, tunnel },
    activeConns: d.active,
    inactiveConns: d.inactive,
    persistConns: d.persist,
    stats: d.s64At >= 0 ? decodeStatsAt(b, d.s64At, d.s64End, true) : d.sAt >= 0 ? decodeStatsAt(b, d.sAt, d.sEnd, false) : zeroStats(),
  };
}

/** The same destination as a compact row (protocol/agent/compact.ts), no objects in between. */
export function decodeDestRow(b: Buffer, start: number, end: number, serviceFamily: Family): DestinationRow {
  scanDest(b, start, end);
  const { address, forwarding, tunnel } = scannedParts(b, serviceFamily);
  const stats = d.s64At >= 0 ? statsRowAt(b, d.s64At, d.s64End, true) : d.sAt >= 0 ? statsRowAt(b, d.sAt, d.sEnd, false) : 0;
  return [address, d.port, forwarding, d.weight, d.upper, d.lower, tunnel, d.active, d.inactive, d.persist, stats];
}

/** All destinations of one GET_DEST dump's raw replies; kernel errors throw NetlinkError. */
export function decodeDestDump(op: string, replies: Buffer[], serviceFamily: Family): DestinationState[] {
  const out: DestinationState[] = [];
  for (const msg of replies) {
    const type = msg.readUInt16LE(4);
    if (type === NLMSG_DONE || type === NLMSG_ERROR) {
      interpretReplies(op, [msg]);
      break;
    }
    // Top level of a NEW_DEST message: find the DEST container.
    let at = NLMSG_HDRLEN + GENL_HDRLEN;
    const end = msg.length;
    while (end - at >= 4) {
      const len = msg.readUInt16LE(at);
      if (len < 4 || len > end - at) throw new AttrError(`attribute at ${at} has length ${len}`);
      if ((msg.readUInt16LE(at + 2) & 0x3fff) === K.IPVS_CMD_ATTR_DEST) {
        out.push(decodeDestFast(msg, at + 4, at + len, serviceFamily));
      }
      at += (len + 3) & ~3;
    }
  }
  return out;
}
